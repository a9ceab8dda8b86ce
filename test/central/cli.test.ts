/**
 * `capbu central …` and `capbu enroll` as an operator runs them: separate processes of the built
 * binary, the service listening on loopback, the kiosk enrolling against it.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { x509 } from '../../src/pki/x509.js';
import { openCentralStore } from '../../src/central/storage/open.js';
import { CentralClient } from '../../src/sync/client.js';
import { kioskClient } from '../../src/sync/enroll.js';
import { runCapbu } from '../support/cli.js';
import { addKioskWithCode } from '../support/enrolment.js';
import { centralDatabases, makeCentralWorld, NOW, serveCentral, sqlitePath, type CentralWorld, type Subscriber } from './fixtures.js';

let world: CentralWorld;
let env: NodeJS.ProcessEnv;
let db: string;
let subscribers: Subscriber[];

const capbu = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCapbu(args, { env: { ...env, ...extra } });

let dbs = 0;

beforeAll(async () => {
  world = await makeCentralWorld();
  env = { CAPBU_LANG: 'en', CAPBU_CAMPAIGN: world.campaignPath, CAPBU_HOME: join(world.dir, 'operator-home') };
  subscribers = await Promise.all([world.subscriber('Cli One'), world.subscriber('Cli Two'), world.subscriber('Cli CA-less', { issuer: 'other' })]);
});
// Each test its own centre database.
beforeEach(() => {
  db = sqlitePath(world, `cli-${++dbs}`);
});
const databases = centralDatabases(() => world);

/** The registry of the first two subscribers, imported into this test's centre. */
const importRegistry = () => capbu(['central', 'registry', 'import', world.writeRegistry(subscribers.slice(0, 2).map((s) => world.record(s))), '--db', db]);

function expectOneLineError(result: { code: number | null; stderr: string }, code: string) {
  expect(result.code).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(new RegExp(`^capbu: ${code}: `));
}

const serve = (args: string[], extra: NodeJS.ProcessEnv = {}) => serveCentral(args, { ...env, ...extra });

describe('capbu central', () => {
  it('requires --db on every subcommand and names the usage', async () => {
    for (const args of [['kiosk', 'add', '--id', 'k', '--province', 'HN', '--channel', 'counter'], ['report'], ['registry', 'import', 'x.csv']]) {
      expectOneLineError(await capbu(['central', ...args]), 'USAGE');
    }
    expectOneLineError(await capbu(['central', 'kiosk', 'add', '--id', 'k', '--province', 'HN', '--channel', 'mail', '--db', db]), 'USAGE');
  });

  it('imports the registry and loads the issued certificates, refusing bad files whole', async () => {
    const imported = await importRegistry();
    expect(imported.stdout).toContain('2 added, 0 updated, 0 unchanged (version 1)');

    const bundle = join(world.dir, 'bundle.pem');
    writeFileSync(bundle, subscribers.map((s) => s.certificate.toString('pem')).join('\n'));
    const der = join(world.dir, 'one.cer');
    writeFileSync(der, subscribers[0]!.der);
    const added = await capbu(['central', 'registry', 'add-certs', bundle, der, '--db', db]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Certificates loaded: 3 added, 1 already known.');

    expectOneLineError(await capbu(['central', 'registry', 'add-certs', join(world.dir, 'missing.pem'), '--db', db]), 'CERT_FILE_NOT_FOUND');
    const junk = join(world.dir, 'junk.pem');
    writeFileSync(junk, 'hello');
    expectOneLineError(await capbu(['central', 'registry', 'add-certs', der, junk, '--db', db]), 'CERT_FILE_INVALID');
    const badCsv = join(world.dir, 'bad.csv');
    writeFileSync(badCsv, 'serial,taxCode,contractEnd,status\nzz,1,2022-01-01,active\n');
    expectOneLineError(await capbu(['central', 'registry', 'import', badCsv, '--db', db]), 'REGISTRY_INVALID');
  });

  it('refuses a CA key that is not the new CA\'s, or is missing, before listening', async () => {
    const oldKey = join(world.dir, 'old-ca.key');
    writeFileSync(oldKey, x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', world.pki.oldCa.keys.privateKey), 'PRIVATE KEY'));
    expectOneLineError(await capbu(['central', 'serve', '--ca-key', oldKey, '--db', db, '--listen', '127.0.0.1:0']), 'CA_KEY_MISMATCH');
    expectOneLineError(await capbu(['central', 'serve', '--ca-key', join(world.dir, 'nope.key'), '--db', db]), 'CA_KEY_NOT_FOUND');
    expectOneLineError(await capbu(['central', 'serve', '--ca-key', 'pkcs11:token=ca-hsm;object=ca', '--db', db]), 'CA_PIN_MISSING');
  });

  it('serves kiosks: add, enroll, renew, revoke, report', async () => {
    // The centre knows the registry and the certificates it may renew.
    expect((await importRegistry()).code).toBe(0);
    const bundle = join(world.dir, 'serve-bundle.pem');
    writeFileSync(bundle, subscribers.map((s) => s.certificate.toString('pem')).join('\n'));
    expect((await capbu(['central', 'registry', 'add-certs', bundle, '--db', db])).code).toBe(0);
    const added = await capbu(['central', 'kiosk', 'add', '--id', 'hn-01', '--province', 'HN', '--channel', 'counter', '--db', db, '--now', NOW.toISOString()]);
    expect(added.code).toBe(0);
    const code = added.stdout.trimEnd().split('\n').at(-1)!;
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expectOneLineError(await capbu(['central', 'kiosk', 'add', '--id', 'hn-01', '--province', 'HN', '--channel', 'counter', '--db', db]), 'KIOSK_EXISTS');

    // New on purpose: the other serve test may have had the same key issue already (CENTRAL_DB_EMPTY otherwise).
    const { child, url } = await serve(['--ca-key', world.caKeyPath, '--db', db, '--new-database', '--listen', '127.0.0.1:0', '--now', NOW.toISOString()], {
      CAPBU_LOG_LEVEL: 'warn',
    });
    try {
      const kioskHome = join(world.dir, 'kiosk-home');
      const enrolled = await capbu(['enroll', '--server', url, '--code', code], { CAPBU_HOME: kioskHome });
      expect(enrolled.code).toBe(0);
      expect(enrolled.stdout).toContain('Enrolled as kiosk hn-01');
      expect(statSync(join(kioskHome, 'central-credential.json')).mode & 0o777).toBe(0o600);
      expectOneLineError(await capbu(['enroll', '--server', url, '--code', code], { CAPBU_HOME: join(world.dir, 'kiosk-2') }), 'ENROLMENT_CODE_INVALID');
      expectOneLineError(await capbu(['enroll', '--server', 'http://127.0.0.1:1', '--code', code], { CAPBU_HOME: join(world.dir, 'kiosk-3') }), 'SERVER_UNREACHABLE');

      const client = kioskClient(kioskHome);
      const s = subscribers[0]!;
      const renewed = await client.renew(world.request(s, await world.csr(s)));
      expect(renewed.status).toBe('issued');
      // --now pinned the centre's clock; it keeps running from there.
      expect(Math.abs(renewed.time.centreTime!.getTime() - NOW.getTime())).toBeLessThan(60_000);

      const report = await capbu(['central', 'report', '--db', db, '--json', '--now', NOW.toISOString()]);
      expect(JSON.parse(report.stdout).total).toMatchObject({ eligibleKnown: 2, renewed: 1, remaining: 1 });
      // --json keeps the campaign's calendar date as ISO; the table says it as people read it.
      expect(JSON.parse(report.stdout).renewalsPerDay).toContainEqual({ date: '2020-06-01', renewed: 1 });
      const table = await capbu(['central', 'report', '--db', db, '--now', NOW.toISOString()]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/Province\s+Eligible\s+Renewed\s+Remaining/);
      expect(table.stdout).toMatch(/01\/06\/2020\s+1/);
      expect(table.stdout).not.toMatch(/2020-06-01/);

      expect((await capbu(['central', 'kiosk', 'revoke', 'hn-01', '--db', db])).stdout).toContain('Kiosk hn-01 revoked.');
      await expect(client.registry(0)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      expectOneLineError(await capbu(['central', 'kiosk', 'revoke', 'nobody', '--db', db]), 'KIOSK_NOT_FOUND');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('serves with --workers N: N processes, and one issuance per certificate across them', async () => {
    expectOneLineError(await capbu(['central', 'serve', '--ca-key', world.caKeyPath, '--db', db, '--workers', '0']), 'USAGE');
    const workersDb = sqlitePath(world, 'workers');
    const [shared, alone] = await Promise.all([world.subscriber('Workers Shared'), world.subscriber('Workers Alone')]);
    const store = await openCentralStore(workersDb, NOW);
    await store.importRegistry([world.record(shared), world.record(alone)], NOW.toISOString());
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await addKioskWithCode(store, { id: `w-${i}`, province: 'HN', channel: 'counter' }, NOW));
    await store.close();

    // The world's key issued into the first centre's database already: this one is new on purpose.
    const { child, url } = await serve(['--ca-key', world.caKeyPath, '--db', workersDb, '--new-database', '--listen', '127.0.0.1:0', '--now', NOW.toISOString(), '--workers', '2'], {
      CAPBU_LOG_LEVEL: 'warn',
    });
    try {
      const workers = readdirSync('/proc').filter((pid) => {
        try {
          return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(child.pid);
        } catch {
          return false;
        }
      });
      expect(workers).toHaveLength(2);
      // One client per kiosk, so one connection each: the primary deals them out to both workers.
      const clients = await Promise.all(
        codes.map(async (code) => new CentralClient({ server: url, credential: (await new CentralClient({ server: url }).enroll(code)).credential })),
      );
      const csr = await world.csr(shared);
      const results = await Promise.all(clients.map((client, i) => client.renew(world.request(shared, csr, { idempotencyKey: `workers-race-${i}` }))));
      const issued = results.filter((r) => r.status === 'issued');
      expect(issued).toHaveLength(1);
      expect(results.filter((r) => r.status === 'already-renewed')).toHaveLength(5);
      expect(new Set(results.map((r) => (r.status === 'issued' || r.status === 'already-renewed' ? r.renewal.serial : null)))).toEqual(
        new Set([issued[0]!.status === 'issued' ? issued[0]!.renewal.serial : null]),
      );
      const other = await clients[1]!.renew(world.request(alone, await world.csr(alone)));
      expect(other.status).toBe('issued');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    const after = await openCentralStore(workersDb, NOW);
    try {
      expect((await after.renewedSerials()).sort()).toEqual([shared.serial, alone.serial].sort());
    } finally {
      await after.close();
    }
  });

  it('takes a postgres:// URL as --db', async () => {
    const url = await databases.postgres();
    const added = await capbu(['central', 'kiosk', 'add', '--id', 'pg-01', '--province', 'HN', '--channel', 'self', '--db', url]);
    expect(added.code).toBe(0);
    expect(added.stdout.trimEnd().split('\n').at(-1)).toMatch(/^[0-9A-Z-]{24}$/);
    expectOneLineError(await capbu(['central', 'report', '--db', 'postgres://nobody@127.0.0.1:1/none']), 'CENTRAL_DB_FAILED');
  });
});
