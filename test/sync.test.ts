/**
 * `capbu sync` keeps the kiosk's registry snapshot up to the centre's, for deciding offline.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { NOW, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
});

afterAll(async () => {
  await centre?.close();
});

it('pulls only the rows changed at the centre, and keeps the last snapshot while offline', async () => {
  const { serial } = await world.subscriberToken('field', { commonName: 'HỢP TÁC XÃ VÙNG CAO', taxCode: '5100000001' });
  const atCentre = async (status: string) => {
    const file = join(world.dir, `centre-${status}.csv`);
    writeFileSync(file, `serial,taxCode,contractEnd,status,province\n${serial},5100000001,2022-06-30,${status},HG\n`);
    expect((await world.capbu(['central', 'registry', 'import', file, '--db', centre.db])).code).toBe(0);
  };
  const reasons = async () => {
    const result = await world.capbu(['check', '--token', 'field', '--json', '--now', NOW]);
    return JSON.parse(result.stdout).certificates[0].decision.reasons as string[];
  };
  const sync = (...extra: string[]) => world.capbu(['sync', '--now', NOW, ...extra]);

  await atCentre('active');
  expect(await reasons()).toEqual(['UNKNOWN_SUBSCRIBER']);
  const first = await sync();
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/Registry: \d+ rows changed/);
  expect(await reasons()).toEqual([]);

  const nothingNew = await sync();
  expect(nothingNew.stdout).toContain('Registry: 0 rows changed');

  await atCentre('revoked');
  const offline = await sync('--server', 'http://127.0.0.1:9');
  expect(offline.code).toBe(3);
  expect(offline.stdout).toContain('cannot be reached');
  expect(await reasons()).toEqual([]);

  const back = await sync();
  expect(back.stdout).toContain('Registry: 1 rows changed');
  expect(await reasons()).toEqual(['REVOKED']);

  // What status says of that contact: the time as the campaign's zone reads it, not UTC ISO.
  const status = await world.capbu(['status', '--now', NOW]);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain('Last contact with the central service: 01/06/2020 10:00\n');
  expect(status.stdout).toMatch(/at 01\/06\/2020 10:00\n/);
  expect(status.stdout).not.toMatch(/\d{4}-\d\d-\d\dT/);
});
