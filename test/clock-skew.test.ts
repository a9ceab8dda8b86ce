/**
 * A kiosk whose clock is more than five minutes off the centre's warns its operator and, while
 * online, decides with the centre's time.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { eligibleCustomer } from './support/renewal.js';
import { USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;
/** The kiosk's clock, three days after the cap; the centre's runs two days ahead of it. */
const KIOSK_NOW = '2020-10-05T03:00:00Z';
const CENTRE_NOW = new Date('2020-10-07T03:00:00Z');

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, CENTRE_NOW);
});

afterAll(async () => {
  await centre?.close();
});

it('warns after hearing the centre, decides with its time while online, and with its own clock offline', async () => {
  // A contract that ends tomorrow by the kiosk's clock, and ended yesterday by the centre's.
  const { serial } = await world.subscriberToken('ends-soon', { commonName: 'CÔNG TY SẮP HẾT HẠN', taxCode: '0109999999' });
  await centre.register([{ serial, taxCode: '0109999999', contractEnd: '2020-10-06', status: 'active', province: 'HN' }]);
  const check = (at: string) => world.capbu(['check', '--token', 'ends-soon', '--json', '--now', at]);

  const before = await check(KIOSK_NOW);
  expect(before.stderr).toBe('');
  expect(JSON.parse(before.stdout).certificates[0].decision.eligible).toBe(true);

  const customer = await eligibleCustomer(world, centre, 'renewed-here');
  const renewed = await world.capbu(['renew', '--token', customer.label, '--pin-stdin', '--json', '--now', KIOSK_NOW], USER_PIN);
  expect(renewed.code).toBe(0);
  expect(renewed.stderr).toMatch(/^capbu: warning: this kiosk's clock differs from the central service's by more than 5 minutes/);

  const online = await check(KIOSK_NOW);
  expect(online.stderr).toContain('more than 5 minutes');
  expect(JSON.parse(online.stdout).certificates[0].decision.reasons).toEqual(['NOTHING_LEFT_TO_GRANT']);

  // Twenty minutes later with no word from the centre, the kiosk has only its own clock.
  const offline = await check('2020-10-05T03:20:00Z');
  expect(offline.stderr).toBe('');
  expect(JSON.parse(offline.stdout).certificates[0].decision.eligible).toBe(true);
});
