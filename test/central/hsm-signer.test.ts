/**
 * The new CA's key in an HSM: a SoftHSM2 token in this file's own directory, the key imported as a
 * CA would, the centre signing through PKCS#11 with the PIN from the environment.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { webcrypto, X509Certificate as NodeCertificate } from 'node:crypto';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../../src/pki/x509.js';
import { openCaSigner } from '../../src/central/ca-key.js';
import { softHsmConfig } from '../../src/demo/softhsm.js';
import { isCapbuError } from '../../src/errors.js';
import { HsmPin } from '../../src/central/hsm-pin.js';
import { openHsmSigner } from '../../src/central/hsm-signer.js';
import { parsePkcs11Uri } from '../../src/central/pkcs11-uri.js';
import { DEBIAN_SOFTHSM2 } from '../../src/token/module.js';
import { makeCentralWorld, NOW, sqlitePath, startCentre, type CentralWorld } from './fixtures.js';

const PIN = 'hsm-pin-7391';
/** Non-ASCII, which no customer PIN may be: the customer's PIN rules must not apply to the HSM. */
const UNICODE_PIN = 'mã-HSM-7391';
const URI = 'pkcs11:token=ca-hsm;object=ca';
let world: CentralWorld;
let env: NodeJS.ProcessEnv;

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

beforeAll(async () => {
  world = await makeCentralWorld();
  // Before anything loads the module: SoftHSM2 reads its configuration at C_Initialize.
  process.env.SOFTHSM2_CONF = softHsmConfig(join(world.dir, 'hsm'));
  env = { SOFTHSM2_CONF: process.env.SOFTHSM2_CONF, CAPBU_PKCS11_MODULE: DEBIAN_SOFTHSM2, CAPBU_CA_PIN: PIN };
  const util = (args: string[]) => execFileSync('softhsm2-util', args, { env: { ...process.env, ...env }, stdio: 'pipe' });
  util(['--init-token', '--free', '--label', 'ca-hsm', '--pin', PIN, '--so-pin', 'so-pin-5555']);
  const newKey = join(world.dir, 'hsm', 'new.pem');
  const oldKey = join(world.dir, 'hsm', 'old.pem');
  writeFileSync(newKey, await pkcs8Pem(world.pki.newCa.keys.privateKey));
  writeFileSync(oldKey, await pkcs8Pem(world.pki.oldCa.keys.privateKey));
  util(['--import', newKey, '--token', 'ca-hsm', '--label', 'ca', '--id', '01', '--pin', PIN]);
  util(['--import', oldKey, '--token', 'ca-hsm', '--label', 'old-ca', '--id', '02', '--pin', PIN]);
  // Made here, before the module loads: SoftHSM2 sees only the tokens there at C_Initialize.
  util(['--init-token', '--free', '--label', 'ca-hsm-unicode', '--pin', UNICODE_PIN, '--so-pin', 'so-pin-5555']);
  util(['--import', newKey, '--token', 'ca-hsm-unicode', '--label', 'ca', '--id', '01', '--pin', UNICODE_PIN]);
});

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return isCapbuError(error) ? error.code : `not a CapbuError: ${String(error)}`;
}

describe('PKCS#11 URIs', () => {
  it('reads token, object and binary id, and the module path', () => {
    expect(parsePkcs11Uri('pkcs11:token=ca%20hsm;object=ca;id=%01%ff?module-path=/usr/lib/x.so')).toEqual({
      token: 'ca hsm',
      object: 'ca',
      id: Buffer.from([1, 255]),
      modulePath: '/usr/lib/x.so',
      serial: undefined,
      manufacturer: undefined,
      model: undefined,
    });
  });
  it('refuses what is not a key URI', () => {
    for (const bad of ['pkcs11:token=ca-hsm', 'pkcs11:token=ca-hsm;object=ca;type=cert', 'pkcs11:colour=red;object=ca', 'http://x/']) {
      expect(() => parsePkcs11Uri(bad)).toThrow(expect.objectContaining({ code: 'CA_KEY_INVALID' }));
    }
  });
});

describe('the centre with its key in an HSM', () => {
  it('issues certificates signed on the token, several at once', async () => {
    const logLines: string[] = [];
    const centre = await startCentre(world, sqlitePath(world, 'hsm'), {
      caKey: URI,
      env,
      loggerInstance: pino({ level: 'debug' }, { write: (l: string) => void logLines.push(l) }),
    });
    try {
      const kiosk = await centre.kiosk('hsm-kiosk');
      const subscribers = await Promise.all(Array.from({ length: 6 }, (_, i) => world.subscriber(`HSM ${i}`)));
      await centre.running.services.store.importRegistry(subscribers.map((s) => world.record(s)), NOW.toISOString());
      const results = await Promise.all(subscribers.map(async (s) => kiosk.renew(world.request(s, await world.csr(s)))));
      for (const r of results) {
        expect(r.status).toBe('issued');
        expect(new NodeCertificate(Buffer.from(r.renewal.certificate, 'base64')).verify(world.campaign.newCa.publicKey)).toBe(true);
      }
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.join('\n')).not.toContain(PIN);
    } finally {
      await centre.running.close();
    }
  });

  it('marks on the HSM token itself that its key has issued, and then refuses a database that holds none of it', async () => {
    const s = await world.subscriber('HSM Mark');
    const first = await startCentre(world, sqlitePath(world, 'hsm-mark'), { caKey: URI, env });
    try {
      const kiosk = await first.kiosk('hsm-mark-kiosk');
      await first.running.services.store.importRegistry([world.record(s)], NOW.toISOString());
      expect((await kiosk.renew(world.request(s, await world.csr(s)))).status).toBe('issued');
    } finally {
      await first.running.close();
    }
    // Read back by another PKCS#11 client: a private data object on the token, no file anywhere.
    const tool = (args: string[]) => execFileSync('pkcs11-tool', ['--module', DEBIAN_SOFTHSM2, ...args], { env: { ...process.env, ...env } }).toString();
    // By slot: pkcs11-tool's --token-label also takes ca-hsm-unicode for ca-hsm.
    const slot = /Slot \d+ \((0x[0-9a-f]+)\)[^\n]*\n\s+token label\s+: ca-hsm\n/.exec(tool(['--list-slots']))![1]!;
    const listed = tool(['--slot', slot, '--login', '--pin', PIN, '--list-objects', '--type', 'data']);
    // One object, however many centres and signatures came before (the first test issued too).
    expect(listed.match(/label:\s+'capbu issued [0-9a-f]{16}'/g)).toHaveLength(1);
    expect(existsSync(`${world.caKeyPath}.issued`)).toBe(false);

    const empty = sqlitePath(world, 'hsm-mark-recreated');
    const refused = startCentre(world, empty, { caKey: URI, env, newDatabase: false }).then((c) => c.running.close());
    expect(await failure(refused)).toBe('CENTRAL_DB_EMPTY');
    // The same key material on a token that never issued carries no mark: that centre starts.
    const elsewhere = await startCentre(world, empty, { caKey: 'pkcs11:token=ca-hsm-unicode;object=ca', env: { ...env, CAPBU_CA_PIN: UNICODE_PIN }, newDatabase: false });
    await elsewhere.running.close();
  });

  it('refuses a missing or wrong PIN, an unknown key and a key that is not the new CA\'s', async () => {
    const open = (key: string, extra: NodeJS.ProcessEnv = {}) =>
      openCaSigner({ key, newCa: world.campaign.newCa, env: { ...env, ...extra } }).then((s) => s.close());
    expect(await failure(open(URI, { CAPBU_CA_PIN: '' }))).toBe('CA_PIN_MISSING');
    expect(await failure(open(URI, { CAPBU_CA_PIN: 'wrong-pin-0000' }))).toBe('PIN_INCORRECT');
    expect(await failure(open('pkcs11:token=ca-hsm;object=nothing'))).toBe('CA_KEY_NOT_FOUND');
    expect(await failure(open('pkcs11:token=no-such-token;object=ca'))).toBe('CA_KEY_NOT_FOUND');
    expect(await failure(open('pkcs11:token=ca-hsm;object=old-ca'))).toBe('CA_KEY_MISMATCH');
    // The same key named by its binary CKA_ID instead of its label.
    await expect(open('pkcs11:token=ca-hsm;id=%01')).resolves.toBeUndefined();
  });

  it('logs in with the HSM PIN under the HSM\'s rules, not a customer\'s', async () => {
    const signer = await openCaSigner({
      key: 'pkcs11:token=ca-hsm-unicode;object=ca',
      newCa: world.campaign.newCa,
      env: { ...env, CAPBU_CA_PIN: UNICODE_PIN },
    });
    await signer.close();
  });

  it('never shows the HSM PIN', () => {
    const pin = HsmPin.fromEnv({ CAPBU_CA_PIN: PIN });
    expect(`${pin} ${JSON.stringify({ pin })} ${inspect(pin)}`).not.toContain(PIN);
    expect(pin.use((text) => text)).toBe(PIN);
  });

  it('lets out no signature that the new CA key does not verify (a key changed in the HSM)', async () => {
    // Opened past the start-up check, as if the key behind the URI were replaced afterwards.
    const signer = openHsmSigner({ uri: 'pkcs11:token=ca-hsm;object=old-ca', pin: new HsmPin(PIN), newCa: world.campaign.newCa, env });
    try {
      expect(await failure(signer.sign(new Uint8Array([1, 2, 3])))).toBe('INTERNAL');
    } finally {
      await signer.close();
    }
  });
});
