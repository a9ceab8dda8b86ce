/**
 * operator.signedIn and operator.signedOut (issue 12): a clerk signs in on the kiosk app's first
 * screen, works, signs out with `o` and the next one signs in; the journal says who and when, each
 * event once, under the name typed, and what the clerk did in between carries that name.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEngine } from '../../src/screens/engine/host.js';
import { readDemoWorld, type DemoWorld } from '../../src/demo/world.js';
import { runCapbu } from '../support/cli.js';
import { KEY, type renderAt } from '../support/ink.js';
import { demoKiosk, printedJournal, type PrintedEvent } from '../support/kiosk.js';

let world: DemoWorld;
let engine: RunningEngine;
let app: ReturnType<typeof renderAt>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-kiosk-operator-'));
  const made = await runCapbu(['demo', dir]);
  expect(made.code).toBe(0);
  world = readDemoWorld(dir)!;
  ({ engine, app } = demoKiosk(world, world.env.CAPBU_PKCS11_MODULE!, null));
}, 300_000);

afterAll(async () => {
  app?.unmount();
  await engine?.close();
});

/** The journal's events after `seq`, polled until `done` holds of them (the engine writes in its own thread). */
async function eventsAfter(seq: number, done: (events: PrintedEvent[]) => boolean): Promise<PrintedEvent[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const events = (await printedJournal()).filter((e) => e.seq > seq);
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const signIns = (events: PrintedEvent[]) => events.filter((e) => e.type.startsWith('operator.'));

it('journals each sign-in and sign-out once, under the name typed, and the work between under that name', async () => {
  await app.frameWith('Đăng nhập nhân viên', 120_000);
  const before = Math.max(0, ...(await printedJournal()).map((e) => e.seq));

  await app.type(...'  Mai ');
  await app.type(KEY.enter);
  await app.frameWith('Cắm USB token của khách hàng', 60_000);
  let events = await eventsAfter(before, (es) => signIns(es).length >= 1);
  expect(signIns(events)).toEqual([expect.objectContaining({ type: 'operator.signedIn', operator: 'Mai', data: {} })]);

  // What she does is hers: the verdicts of a token she plugs carry her name.
  await app.type('4');
  await app.frameWith('Không thuộc diện cấp bù', 60_000);
  expect((await runCapbu(['demo', 'pull', '--dir', world.directory])).code).toBe(0);
  await app.frameWhere((f) => f.includes('Cắm USB token của khách hàng') && !f.includes('Rút USB token'), 'waiting with nothing plugged');
  events = await eventsAfter(before, (es) => es.some((e) => e.type === 'check.decided'));
  const decided = events.filter((e) => e.type === 'check.decided');
  expect(decided.length).toBeGreaterThan(0);
  for (const d of decided) expect(d.operator).toBe('Mai');

  await app.type('o');
  await app.frameWith('Đăng nhập nhân viên');
  await app.type(...'lan', KEY.enter);
  await app.frameWith('Cắm USB token của khách hàng');
  events = await eventsAfter(before, (es) => signIns(es).length >= 3);
  expect(signIns(events).map((e) => [e.type, e.operator, e.data])).toEqual([
    ['operator.signedIn', 'Mai', {}],
    ['operator.signedOut', 'Mai', {}],
    ['operator.signedIn', 'lan', {}],
  ]);
  // In seq order with the rest: signed out after her last verdict.
  const out = events.find((e) => e.type === 'operator.signedOut')!;
  expect(out.seq).toBeGreaterThan(Math.max(...decided.map((d) => d.seq)));

  const verified = await runCapbu(['journal', 'verify', '--json']);
  expect(verified.code).toBe(0);
  const table = await runCapbu(['journal', '--lang', 'vi']);
  expect(table.stdout).toContain('nhân viên đăng nhập');
  expect(table.stdout).toContain('nhân viên đăng xuất');
}, 300_000);
