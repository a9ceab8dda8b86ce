/**
 * The token boundary classifies PKCS#11 failures by their number, and a token pulled out while a
 * hidden EC key proves itself is reported as pulled, never as "no private key".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { fromPkcs11, returnValue } from '../src/token/errors.js';
import { pkcs11js } from '../src/token/module.js';
import { runCapbu } from './support/cli.js';
import { buildShim } from './support/shim.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

describe('PKCS#11 failures by number', () => {
  it('takes the code of a Pkcs11Error, whatever its message says', () => {
    const removed = new pkcs11js.Pkcs11Error('CKR_PIN_INCORRECT', pkcs11js.CKR_DEVICE_REMOVED);
    expect(returnValue(removed)).toBe(pkcs11js.CKR_DEVICE_REMOVED);
    expect(fromPkcs11(removed).code).toBe('TOKEN_REMOVED');
  });

  it('reads "CKR_NAME:value" from the plain Errors pkcs11js throws without a code', () => {
    expect(returnValue(new Error('CKR_TEMPLATE_INCOMPLETE:208'))).toBe(pkcs11js.CKR_TEMPLATE_INCOMPLETE);
    expect(returnValue(new Error('CKR_PIN_LOCKED'))).toBe(pkcs11js.CKR_PIN_LOCKED);
    expect(fromPkcs11(new Error('CKR_PIN_LOCKED:164')).code).toBe('PIN_LOCKED');
  });

  it('anything else is a token error with no number', () => {
    expect(returnValue(new TypeError('Parameter 1 MUST be Buffer'))).toBeNull();
    const failure = fromPkcs11(new TypeError('Parameter 1 MUST be Buffer'));
    expect(failure.code).toBe('TOKEN_ERROR');
    expect(failure.details.ckr).toBeUndefined();
  });

  it('names an unknown return value by number for support', () => {
    expect(fromPkcs11(new pkcs11js.Pkcs11Error('', 0x80001234)).details.ckr).toBe('0x80001234');
  });
});

describe('key proof', () => {
  let world: World;
  beforeAll(async () => {
    world = await makeWorld();
  });

  it('a token pulled during the proof of a hidden EC key is TOKEN_REMOVED', async () => {
    await world.subscriberToken('ec-pulled', { commonName: 'Công ty B', taxCode: '0100000002' }, { algorithm: 'ec' });
    mkdirSync(world.env.CAPBU_HOME!, { recursive: true });
    const args = ['check', '--token', 'ec-pulled', '--pin-stdin', '--json', '--now', NOW];
    const env = { ...world.env, CAPBU_PKCS11_MODULE: buildShim() };

    const present = await runCapbu(args, { env, stdin: `${USER_PIN}\n` });
    expect(present.stderr).not.toMatch(/TOKEN_|NO_PRIVATE_KEY/);
    expect((JSON.parse(present.stdout) as { certificates: { hasPrivateKey: boolean }[] }).certificates[0]!.hasPrivateKey).toBe(true);

    const pulled = await runCapbu(args, { env: { ...env, CAPBU_SHIM_REMOVE_AT_SIGN: '1' }, stdin: `${USER_PIN}\n` });
    expect(pulled.code).toBe(2);
    expect(pulled.stderr).toMatch(/^capbu: TOKEN_REMOVED: [^\n]+$/m);
    expect(pulled.stderr).not.toContain('NO_PRIVATE_KEY');
    expect(pulled.stdout).toBe('');
  });
});
