/**
 * Token keys on P-384 and P-521 (issue 10, point 21): the request is signed with the key's own
 * curve and hash, so the real centre sees the proof of possession and renews, on SoftHSM2.
 * Before, the request was built for P-256 and the centre refused it as NO_PRIVATE_KEY.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/pki/certificate.js';
import { element, TAG } from '../../src/pki/der.js';
import { signingAlgorithmFor } from '../../src/pki/signature.js';
import { startTestCentre, type TestCentre } from '../support/centre.js';
import { runCapbu } from '../support/cli.js';
import { certificatesOn, chainsTo, keyMatches } from '../support/independent-reader.js';
import { eligibleCustomer, RENEWAL_NOT_AFTER } from '../support/renewal.js';
import { NOW, USER_PIN, makeWorld, type World } from '../support/world.js';

let world: World;
let centre: TestCentre;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
});

afterAll(async () => {
  await centre?.close();
});

describe('renewing a certificate whose key is not on P-256', () => {
  for (const algorithm of ['ec-p384', 'ec-p521'] as const) {
    it(`${algorithm}: the request verifies at the centre and the new certificate keeps the key`, async () => {
      const customer = await eligibleCustomer(world, centre, `curve-${algorithm}`, algorithm);
      const result = await runCapbu(['renew', '--token', customer.label, '--pin-stdin', '--json', '--now', NOW], {
        env: world.env,
        stdin: `${USER_PIN}\n`,
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ status: 'renewed', oldSerial: customer.serial, notAfter: RENEWAL_NOT_AFTER });
      const [onToken, ...others] = certificatesOn(world.env, customer.label, world.dir);
      expect(others).toHaveLength(0);
      expect(Buffer.from(parseCertificate(onToken!.der).spki).equals(Buffer.from(parseCertificate(customer.der).spki))).toBe(true);
      expect(chainsTo(onToken!.der, world.pki.root.certificate.toString('pem'), world.pki.newCa.certificate.toString('pem'), new Date(NOW), world.dir)).toBe(true);
      expect(keyMatches(world.env, customer.label, USER_PIN, onToken!, world.dir, true)).toBe(true);
      expect(centre.issuedFor(customer.serial)).toBe(1);
    });
  }
});

describe('the signing algorithm a key gets', () => {
  const spkiOf = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => element(key.export({ format: 'der', type: 'spki' }), TAG.sequence);

  it.each([
    ['prime256v1', 'sha256', 32],
    ['secp384r1', 'sha384', 48],
    ['secp521r1', 'sha512', 66],
  ] as const)('%s signs with %s', (namedCurve, hash, size) => {
    expect(signingAlgorithmFor(spkiOf(generateKeyPairSync('ec', { namedCurve }).publicKey))).toMatchObject({ key: 'ec', hash, size });
  });

  it('RSA signs with SHA-256; Ed25519 and brainpool keys get none, so renew refuses them as KEY_UNSUPPORTED', () => {
    expect(signingAlgorithmFor(spkiOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey))).toMatchObject({ key: 'rsa', hash: 'sha256' });
    expect(signingAlgorithmFor(spkiOf(generateKeyPairSync('ed25519').publicKey))).toBeNull();
    expect(signingAlgorithmFor(spkiOf(generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' }).publicKey))).toBeNull();
  });
});
