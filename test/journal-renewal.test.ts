/**
 * What a renewal journals (issue 12, §1), on real SoftHSM2 tokens against the real centre: the
 * steps of a renewal online, offline and refused, each event beside the state it records, a wrong
 * PIN without the PIN or its length, a kill -9 at each checkpoint never leaving a state without
 * its event; and everything of it handed to the centre by the next sync.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JournalEvent } from '../src/journal/format.js';
import type { RenewalState } from '../src/store/renewals.js';
import { CHECKPOINTS } from '../src/token/faults.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { CRASH_BIN, runCapbu } from './support/cli.js';
import { eligibleCustomer } from './support/renewal.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW), 'HN-NHAT-KY-01');
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [10, 10], operator: 'nv.lan' }));
});
afterAll(async () => {
  await centre?.close();
});

const renew = (label: string, pin = USER_PIN, extra: string[] = [], bin?: string, env: NodeJS.ProcessEnv = {}) =>
  runCapbu(['renew', '--token', label, '--pin-stdin', '--json', '--now', NOW, ...extra], { env: { ...world.env, ...env }, stdin: `${pin}\n`, bin });

async function journal(): Promise<{ events: JournalEvent[]; lines: string[] }> {
  const lines = (await world.capbu(['journal', '--json'])).stdout.trim().split('\n').filter(Boolean);
  return { events: lines.map((l) => JSON.parse(l) as JournalEvent), lines };
}

/** The events about one old certificate, by type, in seq order. */
async function eventsOf(oldSerial: string): Promise<JournalEvent[]> {
  return (await journal()).events.filter((e) => e.data.oldSerial === oldSerial);
}

function renewalState(oldSerial: string): string | undefined {
  const db = new Database(join(world.env.CAPBU_HOME!, 'capbu.db'), { readonly: true });
  try {
    return db.prepare('SELECT state FROM renewals WHERE old_serial = ?').pluck().get(oldSerial) as string | undefined;
  } finally {
    db.close();
  }
}

it('an online renewal journals requested, issued and installed, with the new serial and notAfter', async () => {
  const customer = await eligibleCustomer(world, centre, 'journal-online');
  const result = await renew(customer.label);
  expect(result.code, result.stderr).toBe(0);
  const printed = JSON.parse(result.stdout) as { newSerial: string; notAfter: string };
  // The journal writes times as toISOString does.
  const renewed = { newSerial: printed.newSerial, notAfter: new Date(printed.notAfter).toISOString() };
  const events = await eventsOf(customer.serial);
  expect(events.map((e) => e.type)).toEqual(['renewal.requested', 'renewal.issued', 'renewal.installed']);
  const [requested, issued, installed] = events;
  expect(requested!.data).toEqual({ campaign: 'viettel-ca-2020', tokenSerial: expect.any(String), oldSerial: customer.serial, idempotencyKey: expect.any(String), hardwareVersion: expect.any(String) });
  expect(issued!.data).toEqual({ oldSerial: customer.serial, newSerial: renewed.newSerial, notAfter: renewed.notAfter });
  expect(installed!.data).toEqual({ tokenSerial: requested!.data.tokenSerial, oldSerial: customer.serial, newSerial: renewed.newSerial, notAfter: renewed.notAfter });
  expect(events.every((e) => e.operator === 'nv.lan')).toBe(true);
  expect(renewalState(customer.serial)).toBe('done');
});

it('a wrong PIN journals pin.failed with what is left, never the PIN nor its length', async () => {
  const customer = await eligibleCustomer(world, centre, 'journal-pin');
  const pin = 'sai-mat-khau-77';
  expect((await renew(customer.label, pin)).code).toBe(2);
  const { events, lines } = await journal();
  const failed = events.filter((e) => e.type === 'pin.failed').at(-1)!;
  expect(Object.keys(failed.data).sort()).toEqual(['kioskRemaining', 'token', 'tokenSerial']);
  // SoftHSM2 flags "count low" after a wrong PIN; the kiosk's own counter allows four more.
  expect(failed.data).toMatchObject({ token: 'count-low', kioskRemaining: 4 });
  for (const line of lines) expect(line).not.toContain(pin);
  expect(JSON.stringify(failed.data)).not.toMatch(new RegExp(`\\b${pin.length}\\b`));
});

it('offline: requested and queued; the sync sends the request, journals issued, and hands every event to the centre', async () => {
  const customer = await eligibleCustomer(world, centre, 'journal-offline');
  expect((await renew(customer.label, USER_PIN, ['--server', 'http://127.0.0.1:9'])).code).toBe(3);
  expect((await eventsOf(customer.serial)).map((e) => e.type)).toEqual(['renewal.requested', 'renewal.queued']);
  expect(renewalState(customer.serial)).toBe('queued');
  const synced = await world.capbu(['sync', '--json', '--now', NOW]);
  expect(synced.code, synced.stderr).toBe(0);
  expect((await eventsOf(customer.serial)).map((e) => e.type)).toEqual(['renewal.requested', 'renewal.queued', 'renewal.issued']);
  expect(renewalState(customer.serial)).toBe('issued');
  // renewal.issued was journaled by the sync itself, and still went in the same sync.
  const held = new Database(centre.db, { readonly: true });
  const atCentre = held.prepare(`SELECT hash FROM kiosk_events WHERE kiosk_id = 'HN-NHAT-KY-01' ORDER BY seq`).pluck().all();
  held.close();
  expect(atCentre).toEqual((await journal()).events.map((e) => e.hash));
});

it('refused by the centre: renewal.failed with the code, and the command\'s error', async () => {
  const customer = await eligibleCustomer(world, centre, 'journal-refused');
  const file = join(world.dir, 'journal-refused.csv');
  writeFileSync(file, `serial,taxCode,contractEnd,status\n${customer.serial},x,2022-03-01,revoked\n`);
  expect((await world.capbu(['central', 'registry', 'import', file, '--db', centre.db])).code).toBe(0);
  expect((await renew(customer.label)).code).toBe(2);
  const events = await eventsOf(customer.serial);
  expect(events.map((e) => e.type)).toEqual(['renewal.requested', 'renewal.failed']);
  expect(events[1]!.data).toEqual({ oldSerial: customer.serial, code: 'NOT_ELIGIBLE' });
  expect((await journal()).events.at(-1)).toMatchObject({ type: 'error', data: { command: 'renew', code: 'SERVER_REJECTED' } });
});

it('a kill -9 at any checkpoint of a renewal leaves each state with its event and no event without its state', async () => {
  // The state a renewal row has reached, and the last event that must be journaled with it
  // (writing and written are the renewal's own bookkeeping on the way to done).
  const eventFor: Record<RenewalState, string> = {
    requested: 'renewal.requested',
    queued: 'renewal.queued',
    issued: 'renewal.issued',
    writing: 'renewal.issued',
    written: 'renewal.issued',
    done: 'renewal.installed',
  };
  for (const point of CHECKPOINTS) {
    const customer = await eligibleCustomer(world, centre, `journal-crash-${point}`);
    const crashed = await renew(customer.label, USER_PIN, [], CRASH_BIN, { CAPBU_CRASH_AT: point });
    expect(crashed.code, `${point}: ${crashed.stderr}`).not.toBe(0);
    const state = renewalState(customer.serial) as RenewalState | undefined;
    const types = (await eventsOf(customer.serial)).map((e) => e.type);
    if (state === undefined) expect(types, point).toEqual([]);
    else expect(types.at(-1), point).toBe(eventFor[state]);
    // Whatever the crash left, the next run finishes the same renewal, and the chain still holds.
    expect((await renew(customer.label)).code, point).toBe(0);
    expect(renewalState(customer.serial)).toBe('done');
    expect((await eventsOf(customer.serial)).filter((e) => e.type === 'renewal.installed')).toHaveLength(1);
  }
  expect((await world.capbu(['journal', 'verify'])).code).toBe(0);
}, 300_000);
