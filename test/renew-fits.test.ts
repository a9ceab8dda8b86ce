/**
 * Issue 11 point 13, for the renewal: what `capbu renew` prints (its steps, its result, a queued
 * renewal) and what `capbu check` says of a renewed token fit 80 columns in both languages —
 * these lines ran to 130 and 139 characters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { columns } from '../src/cli/wrap.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu } from './support/cli.js';
import { eligibleCustomer } from './support/renewal.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [10, 10], operator: 'nv.lan' }));
});

afterAll(async () => {
  await centre?.close();
});

const at80 = (args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string) =>
  runCapbu(args, { env: { ...world.env, COLUMNS: '80', ...env }, stdin });

function expectFits(text: string): void {
  expect(text.trim().length).toBeGreaterThan(0);
  for (const line of text.split('\n')) {
    // A file's path cannot break at a space: it stands alone on its line, the terminal wraps it.
    if (/^\s*\/\S+$/.test(line)) continue;
    expect(columns(line), line).toBeLessThanOrEqual(80);
    expect(line, 'no trailing space').toBe(line.trimEnd());
  }
}

describe('renewal output at 80 columns', () => {
  for (const lang of ['vi', 'en'] as const) {
    it(`a renewal's steps and result, then the renewed token's check (${lang})`, async () => {
      const customer = await eligibleCustomer(world, centre, `fits-${lang}`);
      const renewed = await at80(['renew', '--token', customer.label, '--pin-stdin', '--now', NOW, '--lang', lang], {}, `${USER_PIN}\n`);
      expect(renewed.code, renewed.stderr).toBe(0);
      expectFits(renewed.stdout);
      expectFits(renewed.stderr);
      // The result names the old and the new serial, whole, each on a line it fits in.
      expect(renewed.stdout).toContain(customer.serial);

      const checked = await at80(['check', '--token', customer.label, '--now', NOW, '--lang', lang]);
      expect(checked.code).toBe(1);
      expectFits(checked.stdout);
      expect(checked.stdout).toContain('01/03/2022');
    });
  }

  it('a renewal queued while the centre is out of reach', async () => {
    const customer = await eligibleCustomer(world, centre, 'fits-queued');
    const queued = await at80(['renew', '--token', customer.label, '--pin-stdin', '--now', NOW, '--lang', 'vi', '--server', 'http://127.0.0.1:9'], {}, `${USER_PIN}\n`);
    expect(queued.code, queued.stderr).toBe(3);
    expectFits(queued.stdout);
    expectFits(queued.stderr);
  });
});
