/**
 * `capbu sync` hands the journal to a real centre on loopback: everything once, in order, marked
 * sent only when acknowledged; exit 3 while the centre is out of reach; one sync at a time through
 * the store's lock; `--watch` until SIGTERM; `capbu status` and the warnings of check.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { JournalEvent } from '../src/journal/format.js';
import { appendEvent } from '../src/store/journal.js';
import { openStore } from '../src/store/store.js';
import { BIN } from './support/cli.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;
let kioskId: string;
let customer: string;
let kiosks = 0;

beforeAll(async () => {
  world = await makeWorld();
  customer = (await world.subscriberToken('customer', { commonName: 'CÔNG TY ĐỒNG BỘ', taxCode: '0100000009' })).serial;
});
// Each test its own kiosk, enrolled with its own centre.
beforeEach(async () => {
  world.newHome();
  kioskId = `HG-LUU-DONG-${String(++kiosks).padStart(2, '0')}`;
  centre = await startTestCentre(world, new Date(NOW), kioskId);
});
afterEach(async () => {
  await centre?.close();
});

const journal = async () =>
  (await world.capbu(['journal', '--json'])).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEvent);

/** What the centre holds of this kiosk's chain, read from its database. */
function atCentre(): { seq: number; hash: string }[] {
  const db = new Database(centre.db, { readonly: true });
  try {
    return db.prepare('SELECT seq, hash FROM kiosk_events WHERE kiosk_id = ? ORDER BY seq').all(kioskId) as { seq: number; hash: string }[];
  } finally {
    db.close();
  }
}

const kioskDb = () => new Database(join(world.env.CAPBU_HOME!, 'capbu.db'));
const registerCustomer = () => centre.register([{ serial: customer, taxCode: '0100000009', contractEnd: '2022-06-30', status: 'active', province: 'HG' }]);

/** A first sync, so that nothing waits: the seq the centre then holds. */
async function synced(): Promise<number> {
  const first = await world.capbu(['sync', '--json']);
  expect(first.code, first.stderr).toBe(0);
  return JSON.parse(first.stdout).acknowledgedSeq as number;
}

it('sends every event once, in order, and says so in --json; a second sync sends nothing', async () => {
  await registerCustomer();
  expect((await world.capbu(['check', '--token', 'customer', '--now', NOW])).code).toBe(0);
  const first = await world.capbu(['sync', '--json', '--now', NOW]);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const report = JSON.parse(first.stdout);
  expect(Object.keys(report).sort()).toEqual(['acknowledgedSeq', 'eventsPending', 'eventsSent', 'registryVersion', 'renewalsPending', 'renewalsSent']);
  const events = await journal();
  expect(events.map((e) => e.type)).toEqual(['kiosk.enrolled', 'registry.imported', 'check.decided', 'registry.pulled']);
  expect(report).toEqual({ renewalsSent: 0, eventsSent: 4, acknowledgedSeq: 4, registryVersion: 1, eventsPending: 0, renewalsPending: 0 });
  expect(atCentre()).toEqual(events.map((e) => ({ seq: e.seq, hash: e.hash })));

  const again = await world.capbu(['sync', '--json', '--now', NOW]);
  expect(JSON.parse(again.stdout)).toMatchObject({ eventsSent: 0, acknowledgedSeq: 4, eventsPending: 0 });
  const list = await world.capbu(['central', 'kiosk', 'list', '--json', '--db', centre.db]);
  expect(JSON.parse(list.stdout)).toEqual([
    expect.objectContaining({ id: kioskId, province: 'HN', channel: 'counter', acknowledgedSeq: 4, events: 4, gaps: [], chainOk: true }),
  ]);
  const table = await world.capbu(['central', 'kiosk', 'list', '--db', centre.db]);
  expect(table.stdout).toMatch(new RegExp(`${kioskId}\\s+HN\\s+counter\\s+.*4/4\\s+intact`));
  // The report carries the same line per kiosk, with how long it has not synced.
  const centreReport = await world.capbu(['central', 'report', '--db', centre.db, '--now', NOW]);
  expect(centreReport.stdout).toMatch(new RegExp(`${kioskId}\\s+HN\\s+counter\\s+.*4/4\\s+intact`));
  const json = JSON.parse((await world.capbu(['central', 'report', '--json', '--db', centre.db, '--now', NOW])).stdout);
  expect(json.kiosks).toEqual([expect.objectContaining({ id: kioskId, acknowledgedSeq: 4, events: 4, chainOk: true, notSyncedSeconds: 0 })]);
});

it('keeps the events while the centre is out of reach (exit 3), and sends them when it is back', async () => {
  const acked = await synced();
  expect((await world.capbu(['check', '--token', 'nobody'])).code).toBe(2);
  const offline = await world.capbu(['sync', '--json', '--server', 'http://127.0.0.1:9']);
  expect(offline.code).toBe(3);
  expect(JSON.parse(offline.stdout)).toMatchObject({ eventsSent: 0, eventsPending: 1, acknowledgedSeq: acked });
  const status = JSON.parse((await world.capbu(['status', '--json'])).stdout);
  expect(status).toMatchObject({ kioskId, centreUrl: centre.url, eventsPending: 1, acknowledgedSeq: acked, lastSeq: acked + 1, renewalsPending: 0 });
  expect(status.oldestEventPendingAt).toEqual(expect.any(String));
  const back = await world.capbu(['sync', '--json']);
  expect(back.code).toBe(0);
  expect(JSON.parse(back.stdout)).toMatchObject({ eventsSent: 1, eventsPending: 0, acknowledgedSeq: acked + 1 });
  expect(atCentre()).toHaveLength(acked + 1);
});

it('splits a journal of large events into batches the centre takes (its body limit is 256 KiB)', async () => {
  const db = openStore(world.env.CAPBU_HOME!);
  // Each event near the data bound, in two-byte UTF-8: 40 of them are about 1 MiB of JSON.
  const long = 'Đ'.repeat(4_000);
  for (let i = 0; i < 40; i++) {
    appendEvent(db, { type: 'check.decided', operator: 'lan', data: { tokenSerial: `T${i}`, certificateSerial: `${i}`, campaign: 'c', eligible: false, reasons: [long, long, long] }, at: new Date(NOW) });
  }
  db.close();
  const result = await world.capbu(['sync', '--json']);
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ eventsPending: 0 });
  expect(atCentre().map((e) => e.hash)).toEqual((await journal()).map((e) => e.hash));
});

it('lets one sync run at a time: a live holder of the store lock makes another sync say SYNC_BUSY', async () => {
  const db = kioskDb();
  db.prepare('INSERT INTO sync_lock (id, holder, expires_at) VALUES (1, ?, ?)').run(`${(await import('node:os')).hostname()}:${process.pid}:test`, Date.now() + 60_000);
  db.close();
  const busy = await world.capbu(['sync']);
  expect(busy.code).toBe(2);
  expect(busy.stderr).toMatch(/^capbu: SYNC_BUSY: /);
  // A holder that died (no such process) no longer blocks.
  const dead = kioskDb();
  dead.prepare('UPDATE sync_lock SET holder = ?').run(`${(await import('node:os')).hostname()}:999999999:dead`);
  dead.close();
  expect((await world.capbu(['sync'])).code).toBe(0);

  // Two syncs at once, with events to send: neither sends twice, the centre holds each once.
  const before = atCentre().length;
  for (let i = 0; i < 3; i++) await world.capbu(['check', '--token', 'nobody']);
  const both = await Promise.all([world.capbu(['sync', '--json']), world.capbu(['sync', '--json'])]);
  for (const r of both) expect([0, 2]).toContain(r.code);
  expect(both.some((r) => r.code === 0)).toBe(true);
  const held = atCentre();
  // A sync that found the lock taken journals its error, which the other may or may not have sent.
  expect(held.length).toBeGreaterThanOrEqual(before + 3);
  expect(held.length).toBeLessThanOrEqual(before + 3 + both.filter((r) => r.code === 2).length);
  expect(new Set(held.map((e) => e.seq)).size).toBe(held.length);
  expect(held.map((e) => e.hash)).toEqual((await journal()).slice(0, held.length).map((e) => e.hash));
});

it('--watch keeps syncing until SIGTERM, which ends it cleanly', async () => {
  const child = spawn(process.execPath, [BIN, 'sync', '--watch', '--interval', '1', '--json'], { env: { ...process.env, ...world.env }, stdio: 'pipe' });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(ok()).toBe(true);
  };
  await until(() => out.includes('\n'));
  await world.capbu(['check', '--token', 'nobody']);
  const last = async () => (await journal()).at(-1)!.seq;
  const target = await last();
  await until(() => atCentre().length >= target);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const rounds = out.trim().split('\n').map((l) => JSON.parse(l));
  expect(rounds.at(-1)).toMatchObject({ eventsPending: 0 });
});

it('status and check warn past the configured limits, without refusing', async () => {
  await registerCustomer();
  await synced();
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ unsyncedWarnHours: 1, registryMaxAgeDays: 1 }));
  const later = '2027-06-03T03:00:00Z';
  const status = await world.capbu(['status', '--now', later]);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain(`Kiosk ${kioskId}`);
  expect(status.stdout).toContain('warning: the registry copy is missing or older than 1 days');
  const json = JSON.parse((await world.capbu(['status', '--json', '--now', later])).stdout);
  expect(json.warnings).toEqual(['REGISTRY_OLD']);
  const check = await world.capbu(['check', '--token', 'customer', '--now', later]);
  // The decision is the campaign's (by 2027 the contract has ended); the warning refuses nothing.
  expect(check.code).toBe(1);
  expect(check.stderr).toContain('capbu: warning: the registry copy is missing or older than 1 days');
  const renew = await world.capbu(['renew', '--token', 'customer', '--pin-stdin', '--now', later], `${USER_PIN}\n`);
  expect(renew.code).toBe(1);
  expect(renew.stderr).toContain('capbu: warning: the registry copy is missing or older than 1 days');
  // Events waiting more than an hour: all of them, once the centre is taken to hold none.
  const db = kioskDb();
  db.prepare('UPDATE journal_sync SET acknowledged_seq = 0').run();
  db.close();
  expect(JSON.parse((await world.capbu(['status', '--json', '--now', later])).stdout).warnings).toEqual(['UNSYNCED', 'REGISTRY_OLD']);
});
