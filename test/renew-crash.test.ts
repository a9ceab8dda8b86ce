/**
 * A renewal that dies at any step — killed with SIGKILL in a child process, or failing in process
 * as a pulled token would — is finished by the next run without a second issuance, and the token
 * ends with exactly one certificate for the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate } from '../src/pki/certificate.js';
import { placeCaCertificate } from '../src/demo/customer.js';
import { CapbuError } from '../src/errors.js';
import { renew } from '../src/renewal/renew.js';
import { CHECKPOINTS, setFaultHook } from '../src/token/faults.js';
import { DEBIAN_SOFTHSM2 } from '../src/token/module.js';
import { listTokens } from '../src/token/slots.js';
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

/** Certificate objects on the token as pkcs11-tool lists them, half-made ones (no ID, no value) included. */
function certificateObjects(label: string): number {
  const listing = execFileSync('pkcs11-tool', ['--module', DEBIAN_SOFTHSM2, '--token-label', label, '--list-objects', '--type', 'cert'], {
    env: { ...process.env, ...world.env },
    encoding: 'utf8',
  });
  return listing.split('Certificate Object').length - 1;
}

describe('kill -9 inside the certificate write (C_CreateObject is not atomic on SoftHSM2)', () => {
  for (const [how, left] of [['half', 'a half-made object, no label, ID or value'], ['full', 'the whole new certificate']] as const) {
    it(`the rerun after a kill that left ${left} ends with the new certificate once and the other objects untouched`, async () => {
      const customer = await eligibleCustomer(world, centre, `create-${how}`);
      // A CA certificate the customer's vendor tool put there: never capbu's to remove.
      const token = listTokens(world.lib).find((t) => t.label === customer.label)!;
      placeCaCertificate(world.lib, token, USER_PIN, world.pki.newCa, 'Viettel-CA');
      const killed = await run(customer.label, { CAPBU_PKCS11_MODULE: buildShim(), CAPBU_SHIM_DIE_IN_CREATE: how });
      expect(killed.code).toBeNull();
      // Old certificate, CA certificate, and what the dying create left.
      expect(certificateObjects(customer.label)).toBe(3);

      const again = await run(customer.label);
      expect(again.stderr).not.toMatch(/^capbu: [A-Z_]+:/m);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout).status).toBe('renewed');
      expect(certificateObjects(customer.label)).toBe(2);
      const certs = certificatesOn(world.env, customer.label, world.dir);
      const ca = Buffer.from(world.pki.newCa.certificate.rawData);
      expect(certs.filter((c) => c.der.equals(ca)).map((c) => c.label)).toEqual(['Viettel-CA']);
      const renewed = certs.filter((c) => !c.der.equals(ca));
      expect(renewed).toHaveLength(1);
      const facts = parseCertificate(renewed[0]!.der);
      expect(facts.serial).not.toBe(customer.serial);
      expect(Buffer.from(facts.spki).equals(Buffer.from(parseCertificate(customer.der).spki))).toBe(true);
      expect(centre.issuedFor(customer.serial)).toBe(1);
    });
  }
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
