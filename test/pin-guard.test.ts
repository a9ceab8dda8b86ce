/**
 * One PIN guard for every login to a customer's token (issue 10, points 2 and 3): `check` counts
 * and respects the same wrong-PIN count as `renew`, and a PIN the token cannot accept never
 * reaches C_Login. Logins are counted by the shim module, in front of the real SoftHSM2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu, type RunResult } from './support/cli.js';
import { eligibleCustomer } from './support/renewal.js';
import { buildShim } from './support/shim.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;
let shim: string;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
  shim = buildShim();
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [10] }));
});

afterAll(async () => {
  await centre?.close();
});

let logs = 0;
/** The shim in front of SoftHSM2, writing one line per C_Login into a fresh file. */
function shimmed(extra: NodeJS.ProcessEnv = {}): { env: NodeJS.ProcessEnv; logins: () => number } {
  const log = join(world.dir, `logins-${++logs}.log`);
  writeFileSync(log, '');
  return {
    env: { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_LOGIN_LOG: log, ...extra },
    logins: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length,
  };
}

const capbu = (command: 'check' | 'renew', label: string, pin: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []) =>
  runCapbu([command, '--token', label, '--pin-stdin', '--json', '--now', NOW, ...extra], { env: { ...world.env, ...env }, stdin: `${pin}\n` });

function expectError(result: RunResult, code: string): void {
  expect(result.stderr).toMatch(new RegExp(`^capbu: ${code}: [^\\n]+\\n$`));
  expect(result.code).toBe(2);
}

describe('check and renew share one wrong-PIN count', () => {
  it('after four wrong PINs through renew, check asks for --final-try instead of spending the fifth', async () => {
    const customer = await eligibleCustomer(world, centre, 'count-shared');
    for (let i = 0; i < 4; i++) expectError(await capbu('renew', customer.label, '00000000'), 'PIN_INCORRECT');
    const watched = shimmed();
    expectError(await capbu('check', customer.label, USER_PIN, watched.env), 'FINAL_TRY_NEEDS_CONFIRMATION');
    expect(watched.logins()).toBe(0);
    // Confirmed, the right PIN logs in and the count starts again, for renew too.
    const confirmed = await capbu('check', customer.label, USER_PIN, watched.env, ['--final-try']);
    expect(confirmed.stderr).toBe('');
    expect(JSON.parse(confirmed.stdout).keyCheckLoggedIn).toBe(true);
    expect(watched.logins()).toBe(1);
    expect((await capbu('renew', customer.label, USER_PIN)).code).toBe(0);
  });

  it('a wrong PIN through check is counted against what renew allows', async () => {
    const customer = await eligibleCustomer(world, centre, 'count-check');
    for (let i = 0; i < 3; i++) expectError(await capbu('check', customer.label, '00000000'), 'PIN_INCORRECT');
    const fourth = await capbu('check', customer.label, '00000000');
    expectError(fourth, 'PIN_INCORRECT');
    expect(fourth.stderr).toContain('one try left: the next wrong PIN locks the token');
    expectError(await capbu('renew', customer.label, USER_PIN), 'FINAL_TRY_NEEDS_CONFIRMATION');
  });
});

describe('a PIN the token cannot accept costs no try', () => {
  it('a 10,000-character PIN is refused before C_Login, by check and by renew, and nothing is counted', async () => {
    const customer = await eligibleCustomer(world, centre, 'pin-huge');
    const watched = shimmed();
    const huge = 'a'.repeat(10_000);
    for (const command of ['check', 'renew'] as const) {
      const refused = await capbu(command, customer.label, huge, watched.env);
      expectError(refused, 'PIN_INVALID');
      expect(refused.stderr).toContain("4 to 255 characters");
    }
    expect(watched.logins()).toBe(0);
    const wrong = await capbu('renew', customer.label, '00000000');
    expectError(wrong, 'PIN_INCORRECT');
    expect(wrong.stderr).toContain('at most 4 tries left');
  });

  it("a token reporting Viettel-CA's limits (8 to 64): too short or too long is refused, never tried", async () => {
    const customer = await eligibleCustomer(world, centre, 'pin-viettel-limits');
    const watched = shimmed({ CAPBU_SHIM_MIN_PIN: '8', CAPBU_SHIM_MAX_PIN: '64' });
    // SoftHSM2 itself would take a 6-digit PIN: the limits come from the token info alone.
    for (const pin of [USER_PIN, 'x'.repeat(65)]) {
      const refused = await capbu('check', customer.label, pin, watched.env);
      expectError(refused, 'PIN_INVALID');
      expect(refused.stderr).toContain('8 to 64 characters');
    }
    const vietnamese = await capbu('check', customer.label, 'mật-khẩu-ơi', watched.env);
    expectError(vietnamese, 'PIN_INVALID');
    expect(vietnamese.stderr).toContain('input method');
    expect(watched.logins()).toBe(0);
  });

  it("the default Viettel-CA PIN, letters and a hyphen, logs in within those limits", async () => {
    const { serial } = await world.subscriberToken('pin-default', { commonName: 'CÔNG TY PIN MẶC ĐỊNH', taxCode: '0108888888' }, { userPin: 'viettel-ca' });
    await centre.register([{ serial, taxCode: '0108888888', contractEnd: '2022-03-01', status: 'active', province: 'HN' }]);
    const watched = shimmed({ CAPBU_SHIM_MIN_PIN: '8', CAPBU_SHIM_MAX_PIN: '64' });
    const checked = await capbu('check', 'pin-default', 'viettel-ca', watched.env);
    expect(checked.stderr).toBe('');
    expect(JSON.parse(checked.stdout).keyCheckLoggedIn).toBe(true);
    const renewed = await capbu('renew', 'pin-default', 'viettel-ca', watched.env);
    expect(renewed.stderr).toBe('');
    expect(renewed.code).toBe(0);
    expect(watched.logins()).toBe(2);
  });
});
