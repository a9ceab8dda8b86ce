/**
 * A renewal that dies at any step — killed with SIGKILL in a child process, or failing in process
 * as a pulled token would — is finished by the next run without a second issuance, and the token
 * ends with exactly one certificate for the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate } from '../src/pki/certificate.js';
import { CapbuError } from '../src/errors.js';
import { renew } from '../src/renewal/renew.js';
import { CHECKPOINTS, setFaultHook } from '../src/token/faults.js';
import { Pin } from '../src/token/pin.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { CRASH_BIN, runCapbu } from './support/cli.js';
import { certificatesOn } from './support/independent-reader.js';
import { eligibleCustomer, renewalContextIn, type Customer } from './support/renewal.js';
import { buildShim } from './support/shim.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [10] }));
});

afterAll(async () => {
  await centre?.close();
});

/** Exactly one certificate on the token, for the customer's key, and it is the new one. */
function expectRenewedOnce(customer: Customer): void {
  const certs = certificatesOn(world.env, customer.label, world.dir);
  expect(certs).toHaveLength(1);
  const facts = parseCertificate(certs[0]!.der);
  expect(facts.serial).not.toBe(customer.serial);
  expect(Buffer.from(facts.spki).equals(Buffer.from(parseCertificate(customer.der).spki))).toBe(true);
  expect(centre.issuedFor(customer.serial)).toBe(1);
}

const run = (label: string, env: NodeJS.ProcessEnv = {}, bin?: string) =>
  runCapbu(['renew', '--token', label, '--pin-stdin', '--json', '--now', NOW], { env: { ...world.env, ...env }, stdin: USER_PIN, bin });

describe('kill -9 at each step', () => {
  for (const point of CHECKPOINTS) {
    it(`after "${point}": the next run finishes the same renewal`, async () => {
      const customer = await eligibleCustomer(world, centre, `kill-${point}`);
      const killed = await run(customer.label, { CAPBU_CRASH_AT: point }, CRASH_BIN);
      expect(killed.code).toBeNull();
      // Whatever the token holds now, it still has a working certificate for the key.
      const between = certificatesOn(world.env, customer.label, world.dir);
      expect(between.length).toBeGreaterThanOrEqual(1);
      expect(centre.issuedFor(customer.serial)).toBeLessThanOrEqual(1);

      const again = await run(customer.label);
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout).status).toBe('renewed');
      expectRenewedOnce(customer);
    });
  }

  it('the installed capbu has no crash switch: CAPBU_CRASH_AT changes nothing', async () => {
    const customer = await eligibleCustomer(world, centre, 'no-switch');
    const renewed = await run(customer.label, { CAPBU_CRASH_AT: 'writing' });
    expect(renewed.stderr).toBe('');
    expect(renewed.code).toBe(0);
    expectRenewedOnce(customer);
  });

  it('a token pulled mid-read, before any request exists, leaves the token and the centre as they were', async () => {
    const customer = await eligibleCustomer(world, centre, 'pulled-early');
    const pulled = await run(customer.label, { CAPBU_PKCS11_MODULE: buildShim(), CAPBU_SHIM_REMOVE_AFTER: '1' });
    expect(pulled.code).toBe(2);
    expect(pulled.stderr).toMatch(/^capbu: TOKEN_REMOVED: /);
    expect(centre.issuedFor(customer.serial)).toBe(0);
    expect(certificatesOn(world.env, customer.label, world.dir)).toHaveLength(1);
    expect((await run(customer.label)).code).toBe(0);
    expectRenewedOnce(customer);
  });
});

describe('the token layer failing after each step, in process', () => {
  for (const point of CHECKPOINTS) {
    it(`a token pulled after "${point}" is finished at the next plug`, async () => {
      const customer = await eligibleCustomer(world, centre, `seam-${point}`);
      const ctx = renewalContextIn(world);
      const ask = () => ({ label: customer.label, pin: new Pin(USER_PIN), finalTryConfirmed: false, operator: 'test' });
      setFaultHook((reached) => {
        if (reached === point) throw new CapbuError('TOKEN_REMOVED');
      });
      try {
        await expect(renew(ctx, ask())).rejects.toMatchObject({ code: 'TOKEN_REMOVED' });
      } finally {
        setFaultHook(null);
      }
      const outcome = await renew(ctx, ask());
      expect(outcome.status).toBe('renewed');
      ctx.db.close();
      expectRenewedOnce(customer);
    });
  }
});
