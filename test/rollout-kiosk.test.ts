/**
 * The rollout plan at the kiosk, on a real (SoftHSM2) token against the real centre: a token
 * whose hardware version the plan has not opened is refused with ROLLOUT_NOT_OPEN, the day it
 * opens and the support line, journaled in check.decided; with a supervisor's override given as
 * `--override` it is renewed, journaled as rollout.overridden, and the centre issues once.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../src/journal/format.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { makeWorld, USER_PIN, type World } from './support/world.js';

/** 20/03/2020, phase 1 of the 2020 plan: only v4 is open; SoftHSM2's 2.6 opens with the rest on 01/05. */
const NOW = '2020-03-20T03:00:00Z';

let world: World;
let centre: TestCentre;
const overrideKeys = generateKeyPairSync('ed25519');
let overrideKeyPath: string;

beforeAll(async () => {
  world = await makeWorld();
  overrideKeyPath = join(world.dir, 'override.key');
  writeFileSync(overrideKeyPath, overrideKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  centre = await startTestCentre(world, new Date(NOW), 'HN-QUAY-01', { overrideKey: overrideKeys.publicKey });
  const key = overrideKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  expect((await world.capbu(['config', 'set', 'overrideKey', key])).code).toBe(0);
}, 120_000);
afterAll(async () => {
  await centre?.close();
});

async function customer(label: string, taxCode: string): Promise<string> {
  const { serial } = await world.subscriberToken(label, { commonName: `CÔNG TY ${label}`, taxCode, province: 'HÀ NỘI' });
  await centre.register([{ serial, taxCode, contractEnd: '2022-03-01', status: 'active', province: 'HN' }]);
  return serial;
}

async function journalOf(serial: string): Promise<JournalEvent[]> {
  const lines = (await world.capbu(['journal', '--json'])).stdout.trim().split('\n').filter(Boolean);
  return lines
    .map((line) => JSON.parse(line) as JournalEvent)
    .filter((e) => e.data.oldSerial === serial || e.data.certificateSerial === serial || e.data.serial === serial);
}

describe('a token whose hardware version the plan has not opened', () => {
  it('is refused with ROLLOUT_NOT_OPEN, the day it opens and the support line, and journaled', async () => {
    const serial = await customer('chua-mo', '0101000301');
    const renew = await world.capbu(['renew', '--token', 'chua-mo', '--pin-stdin', '--now', NOW], `${USER_PIN}\n`);
    expect(renew.code).toBe(1);
    expect(renew.stderr).toContain('NOT_ELIGIBLE');
    expect(renew.stdout).toContain('Details: ROLLOUT_NOT_OPEN');
    expect(renew.stdout).toMatch(/hardware version 2\.6 on 01\/05\/2020: .*Tổng đài 18008000/);
    expect(centre.issuedFor(serial)).toBe(0);
    const decided = (await journalOf(serial)).filter((e) => e.type === 'check.decided');
    expect(decided.at(-1)?.data).toMatchObject({ eligible: false, reasons: ['ROLLOUT_NOT_OPEN'], campaign: 'viettel-ca-2020' });
    expect((await journalOf(serial)).some((e) => e.type === 'renewal.requested')).toBe(false);
  });

  it('is renewed with a supervisor\'s override given as --override, journaled as rollout.overridden', async () => {
    const serial = await customer('ho-tro', '0101000302');
    const issued = await world.capbu(['central', 'override', 'issue', '--key', overrideKeyPath, '--serial', serial, '--reason', 'hỗ trợ hiện trường', '--now', NOW]);
    expect(issued.code, issued.stderr).toBe(0);
    const code = issued.stdout.trim().split('\n').find((l) => l.startsWith('CBO1.'))!;
    expect(code).toBeDefined();
    const renew = await world.capbu(['renew', '--token', 'ho-tro', '--pin-stdin', '--override', code, '--now', NOW], `${USER_PIN}\n`);
    expect(renew.code, renew.stderr).toBe(0);
    expect(centre.issuedFor(serial)).toBe(1);
    const events = await journalOf(serial);
    const overridden = events.filter((e) => e.type === 'rollout.overridden');
    expect(overridden).toHaveLength(1);
    expect(overridden[0]!.data).toMatchObject({ oldSerial: serial, hardwareVersion: '2.6', reason: 'hỗ trợ hiện trường' });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['renewal.requested', 'renewal.issued', 'renewal.installed']));
    // The override goes before the request it lets through.
    expect(events.findIndex((e) => e.type === 'rollout.overridden')).toBeLessThan(events.findIndex((e) => e.type === 'renewal.issued'));
  });
});
