/**
 * `capbu renew` on real SoftHSM2 tokens against the real central service on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { parseCertificate } from '../src/pki/certificate.js';
import { DEBIAN_SOFTHSM2, pkcs11js } from '../src/token/module.js';
import { issueSubscriber, generateKeys, spkiOf } from '../src/demo/pki.js';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { runCapbu } from './support/cli.js';
import { certificatesOn, chainsTo, keyMatches } from './support/independent-reader.js';
import { eligibleCustomer, RENEWAL_NOT_AFTER } from './support/renewal.js';
import { CKR, TOKEN_FLAGS, buildShim } from './support/shim.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;
let shim: string;

interface Json {
  status: string;
  oldSerial: string;
  newSerial: string | null;
  notAfter: string | null;
  certificate: string | null;
}

const renew = (label: string, pin = USER_PIN, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  runCapbu(['renew', '--token', label, '--pin-stdin', '--json', '--now', NOW, ...extra], { env: { ...world.env, ...env }, stdin: `${pin}\n` });

/** Changes a token behind capbu's back: `act` on the first object of a class, logged in as the user. */
function onFirstObject(label: string, objectClass: number, act: (session: Buffer, object: Buffer) => void): void {
  const slot = world.lib.C_GetSlotList(true).find((s) => world.lib.C_GetTokenInfo(s).label.trim() === label)!;
  const session = world.lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  world.lib.C_Login(session, pkcs11js.CKU_USER, USER_PIN);
  world.lib.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: objectClass }]);
  const [object] = world.lib.C_FindObjects(session, 1);
  world.lib.C_FindObjectsFinal(session);
  act(session, object!);
  world.lib.C_Logout(session);
  world.lib.C_CloseSession(session);
}

function expectError(result: { code: number | null; stderr: string }, code: string): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(new RegExp(`^capbu: ${code}: [^\\n]+\\n$`));
}

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
  shim = buildShim();
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [10, 10], operator: 'nv.lan' }));
});

afterAll(async () => {
  await centre?.close();
});

describe('the happy path', () => {
  for (const algorithm of ['rsa', 'ec'] as const) {
    it(`renews an ${algorithm.toUpperCase()} certificate onto the same token under the same key`, async () => {
      const customer = await eligibleCustomer(world, centre, `happy-${algorithm}`, algorithm);
      const result = await renew(customer.label);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const json = JSON.parse(result.stdout) as Json;
      expect(json).toMatchObject({ status: 'renewed', oldSerial: customer.serial, notAfter: RENEWAL_NOT_AFTER });
      expect(json.newSerial).not.toBe(customer.serial);

      // An independent reader sees exactly one certificate: the new one, chaining to the new CA, with its key.
      const certs = certificatesOn(world.env, customer.label, world.dir);
      expect(certs).toHaveLength(1);
      const onToken = certs[0]!;
      expect(onToken.der.toString('base64')).toBe(json.certificate);
      expect(parseCertificate(onToken.der).serial).toBe(json.newSerial);
      expect(onToken.label).toBe(`CÔNG TY TNHH KHÁCH HÀNG ${onToken.label.split(' ').at(-1)}`);
      expect(chainsTo(onToken.der, world.pki.root.certificate.toString('pem'), world.pki.newCa.certificate.toString('pem'), new Date(NOW), world.dir)).toBe(true);
      expect(chainsTo(onToken.der, world.pki.root.certificate.toString('pem'), world.pki.oldCa.certificate.toString('pem'), new Date(NOW), world.dir)).toBe(false);
      expect(keyMatches(world.env, customer.label, USER_PIN, onToken, world.dir, algorithm === 'ec')).toBe(true);
      expect(centre.issuedFor(customer.serial)).toBe(1);
    });
  }

  it('tells the customer where to register, saves a receipt, and keeps the old certificate in the store', async () => {
    const customer = await eligibleCustomer(world, centre, 'receipt');
    const result = await runCapbu(['renew', '--token', customer.label, '--pin-stdin', '--now', NOW, '--lang', 'vi'], {
      env: world.env,
      stdin: USER_PIN,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Đã cấp bù');
    expect(result.stdout).toContain('sau 24 giờ mới làm thủ tục thông quan');
    for (const portal of ['Thuế', 'Hải quan', 'Bảo hiểm xã hội', 'Một cửa', 'Dịch vụ công']) expect(result.stdout).toContain(portal);
    const receipts = readdirSync(join(world.env.CAPBU_HOME!, 'receipts')).filter((f) => f.endsWith('.json'));
    const receipt = receipts.map((f) => JSON.parse(readFileSync(join(world.env.CAPBU_HOME!, 'receipts', f), 'utf8'))).find((r) => r.oldSerial === customer.serial);
    expect(receipt).toMatchObject({ oldSerial: customer.serial, notAfter: RENEWAL_NOT_AFTER, kiosk: 'HN-QUAY-01', operator: 'nv.lan' });
    expect(receipt.company).toMatch(/^CÔNG TY TNHH KHÁCH HÀNG/);
    expect(receipt.taxCode).toMatch(/^0101/);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(world.env.CAPBU_HOME!, 'capbu.db'), { readonly: true });
    const kept = db.prepare('SELECT old_certificate FROM renewals WHERE old_serial = ?').pluck().get(customer.serial) as Buffer;
    db.close();
    expect(Buffer.from(customer.der).equals(kept)).toBe(true);
  });

  it("gives the new certificate the key's CKA_ID even where the old certificate carried another", async () => {
    const customer = await eligibleCustomer(world, centre, 'odd-id');
    onFirstObject(customer.label, pkcs11js.CKO_CERTIFICATE, (session, cert) =>
      world.lib.C_SetAttributeValue(session, cert, [{ type: pkcs11js.CKA_ID, value: Buffer.from('0bad1d', 'hex') }]),
    );

    expect((await renew(customer.label)).code).toBe(0);
    const [renewed] = certificatesOn(world.env, customer.label, world.dir);
    const keyIds = execFileSync('pkcs11-tool', ['--module', DEBIAN_SOFTHSM2, '--token-label', customer.label, '--list-objects', '--type', 'pubkey'], {
      env: { ...process.env, ...world.env },
    }).toString();
    expect(renewed!.id).not.toBe('0bad1d');
    expect(keyIds).toContain(`ID:         ${renewed!.id}`);
  });

  it('renews a token that holds no public key object: the key is found after the login', async () => {
    const customer = await eligibleCustomer(world, centre, 'no-pubkey', 'ec');
    onFirstObject(customer.label, pkcs11js.CKO_PUBLIC_KEY, (session, publicKey) => world.lib.C_DestroyObject(session, publicKey));

    const result = await renew(customer.label);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).status).toBe('renewed');
  });

  it('a certificate whose key is not on the token stays not eligible after the login, and nothing is sent', async () => {
    const { serial } = await world.subscriberToken('no-key', { commonName: 'CÔNG TY KHÔNG KHÓA', taxCode: '0108888888' }, { keyOnToken: false });
    await centre.register([{ serial, taxCode: '0108888888', contractEnd: '2022-03-01', status: 'active', province: 'HN' }]);
    const result = await renew('no-key');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ status: 'not-eligible', oldSerial: serial, reasons: ['NO_PRIVATE_KEY'] });
    expect(centre.issuedFor(serial)).toBe(0);
  });

  it('a second run reports already-renewed without asking the centre', async () => {
    const customer = await eligibleCustomer(world, centre, 'twice');
    expect((await renew(customer.label)).code).toBe(0);
    const again = await renew(customer.label, USER_PIN, ['--server', 'http://127.0.0.1:9']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'already-renewed', oldSerial: customer.serial });
  });
});

describe('PIN safety', () => {
  it('leaves the PIN nowhere in the kiosk data directory', async () => {
    const pin = 'Zq7-very-own-PIN';
    const { serial } = await world.subscriberToken('own-pin', { commonName: 'CÔNG TY PIN RIÊNG', taxCode: '0107777777' }, { userPin: pin });
    await centre.register([{ serial, taxCode: '0107777777', contractEnd: '2022-03-01', status: 'active', province: 'HN' }]);
    expectError(await renew('own-pin', `${pin}x`), 'PIN_INCORRECT');
    expect((await renew('own-pin', pin, ['--server', 'http://127.0.0.1:9'])).code).toBe(3);
    expect((await renew('own-pin', pin)).code).toBe(0);
    const files = readdirSync(world.env.CAPBU_HOME!, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      expect(readFileSync(join(file.parentPath ?? file.path, file.name)).includes(pin), file.name).toBe(false);
    }
  });

  it('a wrong PIN is reported with the tries left, counted, and never retried; a good login resets the count', async () => {
    const customer = await eligibleCustomer(world, centre, 'wrong-pin');
    const first = await renew(customer.label, '000000');
    expectError(first, 'PIN_INCORRECT');
    expect(first.stderr).toContain('at most 4 tries left');
    for (let i = 0; i < 3; i++) expectError(await renew(customer.label, '000000'), 'PIN_INCORRECT');
    // Four wrong PINs counted: the fifth try would lock a Viettel-CA token.
    expectError(await renew(customer.label, USER_PIN), 'FINAL_TRY_NEEDS_CONFIRMATION');
    const confirmed = await renew(customer.label, USER_PIN, ['--final-try']);
    expect(confirmed.code).toBe(0);
    expect(centre.issuedFor(customer.serial)).toBe(1);
  });

  it('a token that answers a wrong PIN with CKR_GENERAL_ERROR (Feitian) still gets counted', async () => {
    const customer = await eligibleCustomer(world, centre, 'feitian');
    const env = { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_LOGIN_RV: String(CKR.GENERAL_ERROR) };
    const result = await renew(customer.label, '000000', [], env);
    expectError(result, 'PIN_INCORRECT');
    expect(result.stderr).toContain('at most 4 tries left');
  });

  it('refuses the final try the token reports without confirmation, and stops at once on a locked PIN', async () => {
    const customer = await eligibleCustomer(world, centre, 'flags');
    const log = join(world.dir, 'flags-login.log');
    writeFileSync(log, '');
    const finalTry = { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_TOKEN_FLAGS: String(TOKEN_FLAGS.finalTry), CAPBU_SHIM_LOGIN_LOG: log };
    expectError(await renew(customer.label, USER_PIN, [], finalTry), 'FINAL_TRY_NEEDS_CONFIRMATION');
    const locked = await renew(customer.label, USER_PIN, [], { ...finalTry, CAPBU_SHIM_TOKEN_FLAGS: String(TOKEN_FLAGS.locked) });
    expectError(locked, 'PIN_LOCKED');
    expect(locked.stderr).toContain('18008000');
    expect(readFileSync(log, 'utf8')).toBe('');
    expect(centre.issuedFor(customer.serial)).toBe(0);
  });

  it('refuses a PIN typed with a Vietnamese input method before it reaches the token', async () => {
    const customer = await eligibleCustomer(world, centre, 'vn-pin');
    expectError(await renew(customer.label, '12345ơ'), 'PIN_INVALID');
  });
});

describe('refusals', () => {
  it('a token that is not eligible: exit 1 with the reasons, nothing sent', async () => {
    const customer = await eligibleCustomer(world, centre, 'revoked');
    await centre.register([{ serial: customer.serial, taxCode: 'x', contractEnd: '2022-03-01', status: 'revoked', province: 'HN' }]);
    const result = await renew(customer.label);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ status: 'not-eligible', oldSerial: customer.serial, reasons: ['REVOKED', 'TAX_CODE_MISMATCH'] });
    expect(centre.issuedFor(customer.serial)).toBe(0);
  });

  it('the centre refusing (its registry says revoked): SERVER_REJECTED with its reasons, token untouched', async () => {
    const customer = await eligibleCustomer(world, centre, 'centre-says-no');
    const file = join(world.dir, 'centre-only.csv');
    writeFileSync(file, `serial,taxCode,contractEnd,status\n${customer.serial},x,2022-03-01,revoked\n`);
    expect((await world.capbu(['central', 'registry', 'import', file, '--db', centre.db])).code).toBe(0);
    const result = await renew(customer.label);
    expectError(result, 'SERVER_REJECTED');
    expect(result.stderr).toContain('NOT_ELIGIBLE');
    expect(result.stderr).toContain('REVOKED');
    expect(certificatesOn(world.env, customer.label, world.dir).map((c) => c.der.toString('base64'))).toEqual([Buffer.from(customer.der).toString('base64')]);
  });

  it('a token without room stops with TOKEN_FULL before anything is issued', async () => {
    const customer = await eligibleCustomer(world, centre, 'full');
    expectError(await renew(customer.label, USER_PIN, [], { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_FREE_PUBLIC: '300' }), 'TOKEN_FULL');
    expect(centre.issuedFor(customer.serial)).toBe(0);
  });
});

describe('kiosk set-up problems', () => {
  it('a kiosk that never enrolled, and one whose settings are broken, get one line each and touch nothing', async () => {
    const customer = await eligibleCustomer(world, centre, 'setup');
    const home = mkdtempSync(join(world.dir, 'home-'));
    expectError(await renew(customer.label, USER_PIN, [], { CAPBU_HOME: home }), 'NOT_ENROLLED');
    copyFileSync(join(world.env.CAPBU_HOME!, 'central-credential.json'), join(home, 'central-credential.json'));
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ pinTryLimit: 0 }));
    const broken = await renew(customer.label, USER_PIN, [], { CAPBU_HOME: home });
    expectError(broken, 'SETTINGS_INVALID');
    expect(broken.stderr).toContain('pinTryLimit');
    expect(centre.issuedFor(customer.serial)).toBe(0);
  });
});

describe('a tampered reply', () => {
  let proxy: Server;
  let proxyUrl: string;

  beforeAll(async () => {
    // Forwards to the centre, but swaps the issued certificate for one the new CA made for another key.
    const stranger = await generateKeys();
    proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(centre.url + req.url, {
        method: req.method,
        headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const body = (await upstream.json()) as { certificate?: string };
      if (body.certificate) {
        const real = parseCertificate(Buffer.from(body.certificate, 'base64'));
        const forged = await issueSubscriber(world.pki.newCa, {
          subject: { commonName: 'Kẻ gian', taxCode: real.taxCode ?? '' },
          spki: await spkiOf(stranger.publicKey),
          notBefore: real.notBefore,
          notAfter: real.notAfter,
        });
        body.certificate = Buffer.from(forged.rawData).toString('base64');
      }
      res.writeHead(upstream.status, { 'content-type': 'application/json', 'x-capbu-time': upstream.headers.get('x-capbu-time') ?? '' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('is refused with BAD_ISSUANCE and the token is not touched', async () => {
    const customer = await eligibleCustomer(world, centre, 'tampered');
    const result = await renew(customer.label, USER_PIN, ['--server', proxyUrl]);
    expectError(result, 'BAD_ISSUANCE');
    expect(result.stderr).toContain('OTHER_KEY');
    expect(result.stderr).toContain('OTHER_SUBJECT');
    const certs = certificatesOn(world.env, customer.label, world.dir);
    expect(certs.map((c) => c.der.toString('base64'))).toEqual([Buffer.from(customer.der).toString('base64')]);
    // The honest centre's certificate can still be installed later: the request is kept.
    const honest = await renew(customer.label);
    expect(honest.code).toBe(0);
    expect(centre.issuedFor(customer.serial)).toBe(1);
  });
});

describe('offline', () => {
  it('queues the signed request when the centre is out of reach, sends it on sync, installs it at the next plug', async () => {
    const customer = await eligibleCustomer(world, centre, 'offline');
    const dead = 'http://127.0.0.1:9';
    const pending = await renew(customer.label, USER_PIN, ['--server', dead]);
    expect(pending.code).toBe(3);
    expect(JSON.parse(pending.stdout)).toMatchObject({ status: 'pending', oldSerial: customer.serial });
    expect(centre.issuedFor(customer.serial)).toBe(0);
    expect(certificatesOn(world.env, customer.label, world.dir)).toHaveLength(1);

    const stillDown = await runCapbu(['sync', '--server', dead, '--now', NOW], { env: world.env });
    expect(stillDown.code).toBe(3);
    const synced = await runCapbu(['sync', '--now', NOW], { env: world.env });
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    expect(centre.issuedFor(customer.serial)).toBe(1);

    const installed = await renew(customer.label, USER_PIN, ['--server', dead]);
    expect(installed.code).toBe(0);
    const json = JSON.parse(installed.stdout) as Json;
    expect(json.status).toBe('renewed');
    const certs = certificatesOn(world.env, customer.label, world.dir);
    expect(certs.map((c) => c.der.toString('base64'))).toEqual([json.certificate]);
  });
});
