/**
 * Which PKCS#11 module the one-shot commands use (issue 13): `capbu check`, `renew` and `tokens`
 * honour the `modules` setting as the kiosk app does, and a module that hangs on load ends them
 * with MODULE_LOAD_TIMEOUT instead of hanging them. The module is the shim in front of SoftHSM2:
 * it logs each C_Initialize (so the test knows it was the one used, and by one process) and can be slowed.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_SOFTHSM2, LOAD_TIMEOUT_MS } from '../src/token/module.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu } from './support/cli.js';
import { eligibleCustomer } from './support/renewal.js';
import { buildShim } from './support/shim.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

const shim = buildShim();
let world: World;
let centre: TestCentre;
beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
}, 120_000);

/** The world's environment with no module named (flag or CAPBU_PKCS11_MODULE) and no USB device seen. */
function unnamed(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...world.env, CAPBU_PKCS11_MODULE: '', CAPBU_SYSFS: mkdtempSync(join(world.dir, 'sys-')), CAPBU_SHIM_MODULE: DEBIAN_SOFTHSM2, ...extra };
}

/** How many C_Initialize calls the shim logged (none: the log was never written). */
function initialisations(log: string): number {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
}

async function setModules(...paths: string[]): Promise<void> {
  const set = await runCapbu(['config', 'set', 'modules', ...paths], { env: { ...process.env, ...world.env } });
  expect(set.stderr).toBe('');
}

describe('the `modules` setting, in the one-shot commands', () => {
  it('check finds the token through the setting’s module', async () => {
    world.newToken('via-setting-check');
    await setModules(shim);
    const log = join(world.dir, 'check-init.log');
    const result = await runCapbu(['check', '--token', 'via-setting-check', '--json', '--now', NOW], { env: unnamed({ CAPBU_SHIM_INIT_LOG: log }) });
    // No certificate on the token: nothing qualifies (exit 1), but the token was read, no error.
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/capbu: [A-Z_]+:/);
    expect(JSON.parse(result.stdout).token.label).toBe('via-setting-check');
    // Initialised once, by the command itself: no probe process loaded it first.
    expect(initialisations(log)).toBe(1);
  });

  it('tokens lists what the setting’s module shows', async () => {
    world.newToken('via-setting-tokens');
    await setModules(shim);
    const log = join(world.dir, 'tokens-init.log');
    const result = await runCapbu(['tokens', '--json'], { env: unnamed({ CAPBU_SHIM_INIT_LOG: log }) });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { label: string }[]).map((t) => t.label)).toContain('via-setting-tokens');
    // Initialised once, by the command itself: no probe process loaded it first.
    expect(initialisations(log)).toBe(1);
  });

  it('renew renews the token the setting’s module holds', async () => {
    const customer = await eligibleCustomer(world, centre, 'via-setting-renew');
    await setModules(shim);
    const log = join(world.dir, 'renew-init.log');
    const result = await runCapbu(['renew', '--token', customer.label, '--pin-stdin', '--json', '--now', NOW], { env: unnamed({ CAPBU_SHIM_INIT_LOG: log }), stdin: `${USER_PIN}\n` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).status).toBe('renewed');
    // Initialised once, by the command itself: no probe process loaded it first.
    expect(initialisations(log)).toBe(1);
  }, 120_000);
});

describe('a PKCS#11 module that hangs on load', () => {
  // Far longer than the load timeout: the commands must give up on it, not wait it out.
  const hanging = { CAPBU_SHIM_SLOW_INIT_MS: String(LOAD_TIMEOUT_MS * 20) };

  for (const [name, args] of [
    ['check', ['check', '--json', '--now', NOW]],
    ['tokens', ['tokens']],
  ] as const) {
    it(`${name} --module stops with MODULE_LOAD_TIMEOUT, on one line`, async () => {
      const result = await runCapbu([...args, '--module', shim], { env: unnamed(hanging) });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(new RegExp(`^capbu: MODULE_LOAD_TIMEOUT: the PKCS#11 module ${shim} did not answer within ${LOAD_TIMEOUT_MS} ms of loading: [^\\n]+\\n$`));
    }, 60_000);
  }

  it('the same module named in the `modules` setting: check says so, the same way', async () => {
    await setModules(shim);
    const result = await runCapbu(['check', '--now', NOW], { env: unnamed(hanging) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^capbu: MODULE_LOAD_TIMEOUT: [^\n]+\n$/);
  }, 60_000);
});
