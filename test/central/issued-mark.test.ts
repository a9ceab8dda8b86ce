/**
 * Issue 10, point 9 (second half): the centre's database deleted and made again while its CA key
 * keeps a mark of having issued. Restarted on the new, empty database, the centre would renew
 * every already renewed certificate a second time; it refuses to start (CENTRAL_DB_EMPTY) and
 * serves nothing, unless the operator says the database is new on purpose (--new-database).
 * The real service as an operator runs it, on SQLite and on PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolmentCodeHash, newCredential } from '../../src/central/credentials.js';
import { keyFingerprint, readMark } from '../../src/central/issued-marker.js';
import { openCentralStore } from '../../src/central/storage/open.js';
import { freePort } from '../../src/demo/centre.js';
import { isCapbuError } from '../../src/errors.js';
import { CentralClient } from '../../src/sync/client.js';
import { runCapbu } from '../support/cli.js';
import { addKioskWithCode } from '../support/enrolment.js';
import { centralDatabases, makeCentralWorld, NOW, serveCentral, sqlitePath, startCentre, stopServe, type CentralWorld, type Subscriber } from './fixtures.js';

let world: CentralWorld;
let env: NodeJS.ProcessEnv;
let subscribers: Subscriber[];

beforeAll(async () => {
  world = await makeCentralWorld();
  env = { CAPBU_LANG: 'en', CAPBU_CAMPAIGN: world.campaignPath, CAPBU_LOG_LEVEL: 'warn' };
  subscribers = await Promise.all([world.subscriber('Mark One'), world.subscriber('Mark Two')]);
});
const databases = centralDatabases(() => world);

/** What an operator rebuilding the centre does first: the registry, and a kiosk with its credential. */
async function prepare(db: string): Promise<string> {
  const store = await openCentralStore(db, NOW);
  try {
    await store.importRegistry(subscribers.map((s) => world.record(s)), NOW.toISOString());
    const code = await addKioskWithCode(store, { id: 'mark-kiosk', province: 'HN', channel: 'counter' }, NOW);
    const credential = newCredential('mark-kiosk');
    await store.enroll(enrolmentCodeHash(code), credential.hash, NOW.toISOString());
    return credential.token;
  } finally {
    await store.close();
  }
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('a centre whose CA key has issued, on a database that holds none of it', { shuffle: false }, () => {
  it('SQLite deleted and recreated: refused with CENTRAL_DB_EMPTY, nothing served; --new-database starts it, and it is remembered', async () => {
    const db = sqlitePath(world, 'mark');
    const mark = `${world.caKeyPath}.issued`;
    const serveArgs = ['--ca-key', world.caKeyPath, '--db', db, '--now', NOW.toISOString()];
    const renew = async (url: string, credential: string, s: Subscriber) =>
      (await new CentralClient({ server: url, credential }).renew(world.request(s, await world.csr(s)))).status;

    // A fresh key on an empty database starts without the flag, and marks nothing until it issues.
    let credential = await prepare(db);
    let centre = await serveCentral([...serveArgs, '--listen', '127.0.0.1:0'], env);
    expect(existsSync(mark)).toBe(false);
    expect(await renew(centre.url, credential, subscribers[0]!)).toBe('issued');
    expect(await stopServe(centre.child)).toBe(0);
    expect(statSync(mark).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(mark, 'utf8'))).toMatchObject({ key: keyFingerprint(world.campaigns.campaigns[0].newCa) });

    // The database goes; the operator rebuilds it (registry, kiosk) and starts the centre again.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
    credential = await prepare(db);
    const port = await freePort();
    const result = await runCapbu(['central', 'serve', ...serveArgs, '--listen', `127.0.0.1:${port}`], { env });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^capbu: CENTRAL_DB_EMPTY: .*--new-database/);
    expect(result.stderr).toContain(mark);
    expect(result.stderr).not.toContain('listening');
    expect(await refused(port)).toBe(true);
    const vietnamese = await runCapbu(['central', 'serve', ...serveArgs, '--listen', '127.0.0.1:0'], { env: { ...env, CAPBU_LANG: 'vi' } });
    expect([vietnamese.code, vietnamese.stderr]).toEqual([2, expect.stringMatching(/^capbu: CENTRAL_DB_EMPTY: khóa ký .*--new-database\n$/)]);
    const untouched = await openCentralStore(db, NOW);
    expect([await untouched.holdsIssuance(), await untouched.renewedSerials()]).toEqual([false, []]);
    await untouched.close();

    // Said to be new: it starts and serves.
    centre = await serveCentral([...serveArgs, '--listen', '127.0.0.1:0', '--new-database'], env);
    expect((await new CentralClient({ server: centre.url, credential }).registry(0)).version).toBe(1);
    expect(await stopServe(centre.child)).toBe(0);
    // Restarted before its first renewal, the database it was told is new still is: no flag needed.
    centre = await serveCentral([...serveArgs, '--listen', '127.0.0.1:0'], env);
    expect(await renew(centre.url, credential, subscribers[1]!)).toBe('issued');
    expect(await stopServe(centre.child)).toBe(0);
  });

  it('PostgreSQL: the same refusal, the same way out', async () => {
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => 'started',
        (e: unknown) => (isCapbuError(e) ? e.code : String(e)),
      );
    const first = await startCentre(world, await databases.postgres());
    try {
      const kiosk = await first.kiosk('pg-first');
      const s = await world.subscriber('Mark Postgres One');
      await first.running.services.store.importRegistry([world.record(s)], NOW.toISOString());
      expect((await kiosk.renew(world.request(s, await world.csr(s)))).status).toBe('issued');
    } finally {
      await first.running.close();
    }
    // The key has issued: a second, empty database is refused until it is said to be new.
    const fresh = await databases.postgres();
    expect(await failure(startCentre(world, fresh, { newDatabase: false }).then((c) => c.running.close()))).toBe('CENTRAL_DB_EMPTY');
    const centre = await startCentre(world, fresh, { newDatabase: true });
    await centre.running.close();
    const again = await startCentre(world, fresh, { newDatabase: false });
    try {
      const kiosk = await again.kiosk('pg-mark');
      const s = await world.subscriber('Mark Postgres Two');
      await again.running.services.store.importRegistry([world.record(s)], NOW.toISOString());
      expect((await kiosk.renew(world.request(s, await world.csr(s)))).status).toBe('issued');
    } finally {
      await again.running.close();
    }
  });

  it('refuses to start when the mark could not be kept beside the key, before it issues anything', async () => {
    const folder = join(world.dir, 'read-only-keys');
    mkdirSync(folder);
    const key = join(folder, 'new-ca.key');
    copyFileSync(world.caKeyPath, key);
    // Root writes through permissions; an immutable folder stops even root.
    const root = process.getuid?.() === 0;
    if (root) execFileSync('chattr', ['+i', folder]);
    else chmodSync(folder, 0o500);
    try {
      const db = sqlitePath(world, 'mark-read-only');
      await prepare(db);
      const result = await runCapbu(['central', 'serve', '--ca-key', key, '--db', db, '--listen', '127.0.0.1:0'], { env });
      expect([result.code, result.stderr]).toEqual([2, expect.stringMatching(/^capbu: CA_KEY_INVALID: the service cannot write [^\n]*new-ca\.key\.issued[^\n]*\n$/)]);
    } finally {
      if (root) execFileSync('chattr', ['-i', folder]);
      else chmodSync(folder, 0o700);
    }
  });

  it('a mark left by another key at that place, or damaged, is read as what it is', () => {
    const newCa = world.campaigns.campaigns[0].newCa;
    expect(readMark(JSON.stringify({ capbuIssuedMark: 1, key: '00'.repeat(32), firstIssuedAt: NOW.toISOString() }), newCa)).toBeNull();
    expect(readMark(JSON.stringify({ capbuIssuedMark: 1, key: keyFingerprint(newCa), firstIssuedAt: NOW.toISOString() }), newCa)).toBe(NOW.toISOString());
    // Damaged, it still says the key issued: a refusal costs a flag, a second certificate costs more.
    expect(readMark('{"capbuIss', newCa)).toBe('unknown');
  });
});
