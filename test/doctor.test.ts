/**
 * `capbu doctor` on a kiosk that works (a real centre on loopback, a SoftHSM2 token, a listening
 * pcscd socket) and on one where things break: exit 0 only when every line is ✔, never a secret.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu } from './support/cli.js';
import { englishIn } from './support/english.js';
import { buildShim } from './support/shim.js';
import { UNKNOWN_READER, writeSysfs } from './support/plug.js';
import { makeWorld, type World } from './support/world.js';
import { DEBIAN_SOFTHSM2, LOAD_TIMEOUT_MS } from '../src/token/module.js';

let world: World;
let centre: TestCentre;
let pcscd: Server;
let env: NodeJS.ProcessEnv;

interface Report {
  ok: boolean;
  checks: { check: string; ok: boolean; text: string; code?: string; why?: string; path?: string; detail?: string }[];
}

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date());
  world.newToken('doctor-1');
  const socket = join(world.dir, 'pcscd.comm');
  pcscd = createServer((c) => c.destroy());
  await new Promise<void>((resolve) => pcscd.listen(socket, resolve));
  const sysfs = join(world.dir, 'sys');
  mkdirSync(sysfs);
  writeSysfs(sysfs, []);
  env = { ...world.env, CAPBU_PCSCD_SOCKET: socket, CAPBU_SYSFS: sysfs, CAPBU_LANG: 'en' };
  expect((await runCapbu(['sync'], { env })).code).toBe(0);
});

afterAll(async () => {
  await centre.close();
  pcscd.close();
});

describe('capbu doctor', () => {
  it('passes every check on a working kiosk, exit 0, and prints no secret', async () => {
    const result = await runCapbu(['doctor'], { env });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n').every((line) => line.startsWith('✔ '))).toBe(true);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/tokens present: 1 \(doctor-1\)/);
    expect(result.stdout).toMatch(/central service reachable: http:\/\/127\.0\.0\.1:\d+ in \d+ ms/);
    const secret = JSON.parse(readFileSync(join(world.env.CAPBU_HOME!, 'central-credential.json'), 'utf8')).credential.split('.')[1];
    expect(result.stdout).not.toContain(secret);
    const json = JSON.parse((await runCapbu(['doctor', '--json'], { env })).stdout) as Report;
    expect(json.ok).toBe(true);
    expect(json.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['module', 'pcscd', 'usb', 'tokens', 'campaign', 'data-dir', 'store', 'enrolment', 'centre', 'clock', 'registry', 'unsynced']));
    expect(JSON.stringify(json)).not.toContain(secret);
  });

  it('fails with what to do: pcscd down, an unknown device, the centre gone, exit 1', async () => {
    const sysfs = join(world.dir, 'sys-unknown');
    writeSysfs(sysfs, [UNKNOWN_READER]);
    const broken = { ...env, CAPBU_PCSCD_SOCKET: join(world.dir, 'no-pcscd.comm'), CAPBU_SYSFS: sysfs };
    const saved = join(world.env.CAPBU_HOME!, 'central-credential.json');
    const credential = readFileSync(saved, 'utf8');
    writeFileSync(saved, credential.replace(/"server": "[^"]+"/, '"server": "http://127.0.0.1:9"'));
    try {
      const result = await runCapbu(['doctor', '--json'], { env: broken });
      expect(result.code).toBe(1);
      const json = JSON.parse(result.stdout) as Report;
      const failed = json.checks.filter((c) => !c.ok);
      // The token is still read: the environment names its module, whatever else is plugged in.
      expect(failed.map((c) => c.check).sort()).toEqual(['centre', 'pcscd', 'usb-unknown']);
      expect(failed.find((c) => c.check === 'usb-unknown')!.text).toContain('1234:abcd');
      expect(failed.find((c) => c.check === 'pcscd')!.text).toContain('systemctl');
    } finally {
      writeFileSync(saved, credential);
    }
  });

  it("says every failure in Vietnamese, with codes in --json, never the system's English (issue 11 point 11)", async () => {
    const home = join(world.dir, 'home-open');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    const broken = {
      ...env,
      CAPBU_LANG: 'vi',
      CAPBU_HOME: home,
      CAPBU_PKCS11_MODULE: join(world.dir, 'no-such-module.so'),
      CAPBU_PCSCD_SOCKET: join(world.dir, 'no-pcscd.comm'),
      CAPBU_CAMPAIGN: join(world.dir, 'no-campaign.json'),
    };
    const result = await runCapbu(['doctor'], { env: broken });
    expect(result.code).toBe(1);
    const failures = result.stdout.split('\n').filter((line) => line.startsWith('✖ '));
    expect(failures.length).toBeGreaterThanOrEqual(5);
    for (const line of failures) expect(englishIn(line.slice(2)), line).toEqual([]);
    expect(result.stdout).toContain(`thư mục dữ liệu ${home}: đang có quyền 755`);
    expect(result.stdout).toContain('(không có tệp này)');
    // Codes stay out of the sentences: they are in --json, beside the words.
    expect(result.stdout).not.toMatch(/[A-Z]{2,}_[A-Z_]+:/);
    const json = JSON.parse((await runCapbu(['doctor', '--json'], { env: broken })).stdout) as Report;
    const by = (check: string) => json.checks.find((c) => c.check === check && !c.ok)!;
    expect(by('campaign')).toMatchObject({ code: 'CAMPAIGN_NOT_FOUND' });
    expect(by('enrolment')).toMatchObject({ code: 'NOT_ENROLLED' });
    expect(by('data-dir')).toMatchObject({ why: 'mode' });
    expect(by('module')).toMatchObject({ why: 'missing' });
  });

  it('reports a module that hangs on load and one that fails, and still goes through every check', async () => {
    const shim = buildShim();
    // The hang outlasts the test: doctor must give up on the module, not wait, and then exit.
    const hanging = { ...env, CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_MODULE: DEBIAN_SOFTHSM2, CAPBU_SHIM_SLOW_INIT_MS: String(LOAD_TIMEOUT_MS * 40) };
    const hung = await runCapbu(['doctor', '--json'], { env: hanging });
    expect(hung.code).toBe(1);
    const report = JSON.parse(hung.stdout) as Report;
    expect(report.checks.find((c) => c.check === 'module' && c.path === shim)).toMatchObject({ ok: false, why: 'timeout', text: expect.stringContaining('no answer in time') });
    expect(report.checks.find((c) => c.check === 'tokens')).toMatchObject({ ok: false, code: 'MODULE_LOAD_TIMEOUT' });
    expect(report.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['campaign', 'store', 'centre', 'unsynced']));

    const failing = { ...hanging, CAPBU_SHIM_SLOW_INIT_MS: '', SOFTHSM2_CONF: join(world.dir, 'no-such-softhsm2.conf') };
    const refused = JSON.parse((await runCapbu(['doctor', '--json'], { env: failing })).stdout) as Report;
    expect(refused.checks.find((c) => c.check === 'module' && c.path === shim)).toMatchObject({ ok: false, why: 'load-failed', detail: 'CKR_GENERAL_ERROR' });
    expect(refused.checks.find((c) => c.check === 'tokens')).toMatchObject({ ok: false, code: 'MODULE_LOAD_FAILED' });
  }, 60_000);

  it('finds a damaged store through integrity_check', async () => {
    const home = join(world.dir, 'home-damaged');
    const copy = { ...env, CAPBU_HOME: home };
    const store = openStore(home);
    store.exec("CREATE TABLE filler (x BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO filler SELECT randomblob(200) FROM n;");
    store.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const db = join(home, 'capbu.db');
    // Overwrite a page in the middle of the file: SQLite still opens it, integrity_check does not pass.
    const bytes = readFileSync(db);
    for (let i = 4096 + 100; i < Math.min(bytes.length, 4096 * 3); i++) bytes[i] = 0x5a;
    writeFileSync(db, bytes);
    const result = await runCapbu(['doctor', '--json'], { env: copy });
    expect(result.code).toBe(1);
    const check = (JSON.parse(result.stdout) as Report).checks.find((c) => c.check === 'store')!;
    expect(check.ok).toBe(false);
  });
});
