/**
 * POST /v1/renewals end to end: a real centre on loopback, real SQLite and real PostgreSQL,
 * kiosks enrolled through the API, certificates checked as a relying party would check them.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../../src/pki/x509.js';
import { TIME_HEADER, type ErrorReply, type RenewalRequest } from '../../src/central/api.js';
import { isCapbuError } from '../../src/errors.js';
import type { CentralClient } from '../../src/sync/client.js';
import { normalizeSerial } from '../../src/pki/certificate.js';
import {
  centralDatabases,
  credentialOf,
  csrWithForeignSignature,
  makeCentralWorld,
  NOW,
  RENEWAL_NOT_AFTER,
  startCentre,
  type Centre,
  type CentralWorld,
  type Subscriber,
} from './fixtures.js';

let world: CentralWorld;

beforeAll(async () => {
  world = await makeCentralWorld();
});
const databases = centralDatabases(() => world);

async function post(centre: Centre, path: string, body: string, credential?: string, contentType = 'application/json') {
  const response = await fetch(`${centre.url}/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as ErrorReply, headers: response.headers };
}

async function storeSnapshot(centre: Centre) {
  const store = centre.running.services.store;
  return {
    renewed: (await store.renewedSerials()).sort(),
    registry: await store.registrySince(0),
    refusals: await store.refusalCounts(),
  };
}

describe.each(databases.backends)('renewals on $name', (backend) => {
  let centre: Centre;
  let kiosk: CentralClient;
  let otherKiosk: CentralClient;
  let alice: Subscriber;
  let bob: Subscriber;
  let revoked: Subscriber;
  let unknown: Subscriber;
  let racers: Subscriber[];

  beforeAll(async () => {
    centre = await startCentre(world, await backend.db('renewals'));
    [alice, bob, revoked, unknown, ...racers] = await Promise.all([
      world.subscriber('Nguyễn Thị Alice', { province: 'Hà Nội' }),
      world.subscriber('Trần Văn Bình', { encoding: 'bmpString', province: 'Hồ Chí Minh' }),
      world.subscriber('Revoked Co'),
      world.subscriber('Stranger Ltd'),
      world.subscriber('Racer One'),
      world.subscriber('Racer Two'),
    ]);
    await centre.running.services.store.importRegistry(
      [
        world.record(alice, { province: 'HN' }),
        world.record(bob, { province: 'HCM' }),
        world.record(revoked, { status: 'revoked' }),
        ...racers.map((r) => world.record(r)),
      ],
      NOW.toISOString(),
    );
    kiosk = await centre.kiosk('hn-counter-1');
    otherKiosk = await centre.kiosk('hcm-field-2', { province: 'HCM', channel: 'field' });
  });
  afterAll(async () => {
    await centre?.running.close();
  });

  it('issues a certificate that keeps the subject, key and usages and chains to the new CA key', async () => {
    const alice = await world.subscriber('Nguyễn Thị An', { province: 'Hà Nội' });
    await centre.running.services.store.importRegistry([world.record(alice)], NOW.toISOString());
    const result = await kiosk.renew(world.request(alice, await world.csr(alice)));
    expect(result.status).toBe('issued');
    expect(result.time.centreTime?.toISOString()).toBe(NOW.toISOString());
    const der = Buffer.from(result.renewal.certificate, 'base64');
    const cert = new x509.X509Certificate(der);
    expect(new NodeCertificate(der).verify(world.campaigns.campaigns[0].newCa.publicKey)).toBe(true);
    expect(new NodeCertificate(der).verify(world.campaigns.campaigns[0].oldCa.publicKey)).toBe(false);
    expect(Buffer.from(cert.subjectName.toArrayBuffer())).toEqual(Buffer.from(alice.certificate.subjectName.toArrayBuffer()));
    expect(Buffer.from(cert.publicKey.rawData)).toEqual(Buffer.from(alice.certificate.publicKey.rawData));
    expect(cert.notBefore.toISOString()).toBe(new Date(NOW.getTime() - 3600_000).toISOString());
    expect(cert.notAfter.toISOString()).toBe(RENEWAL_NOT_AFTER.toISOString());
    // A positive serial of at least 64 bits, fresh from the CSPRNG.
    expect(cert.serialNumber.length).toBeGreaterThanOrEqual(16);
    expect(Number.parseInt(cert.serialNumber.slice(0, 2), 16) & 0x80).toBe(0);
    expect(result.renewal.serial).toBe(normalizeSerial(cert.serialNumber));
    expect(result.renewal.oldSerial).toBe(alice.serial);
    for (const type of ['2.5.29.15', '2.5.29.37']) {
      expect(Buffer.from(cert.getExtension(type)!.rawData)).toEqual(Buffer.from(alice.certificate.getExtension(type)!.rawData));
    }
    const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension)!;
    expect(ski.keyId).toBe(alice.certificate.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId);
    const caSki = world.pki.newCa.certificate.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(caSki);
    expect(cert.issuer).toBe(world.pki.newCa.certificate.subject);
  });

  it('keeps a BMPString subject byte for byte', async () => {
    const result = await kiosk.renew(world.request(bob, await world.csr(bob)));
    const cert = new x509.X509Certificate(Buffer.from(result.renewal.certificate, 'base64'));
    expect(Buffer.from(cert.subjectName.toArrayBuffer())).toEqual(Buffer.from(bob.certificate.subjectName.toArrayBuffer()));
  });

  it('answers a retry with the same idempotency key with the same certificate', async () => {
    const s = await world.subscriber('Second Try Co');
    await centre.running.services.store.importRegistry([world.record(s)], NOW.toISOString());
    expect((await kiosk.renew(world.request(s, await world.csr(s)))).status).toBe('issued');
    const request = world.request(s, await world.csr(s));
    // Renewed already under another key: this is a new attempt, so 409 …
    const first = await kiosk.renew(request);
    expect(first.status).toBe('already-renewed');
    // … and the first attempt's own retry gets the first certificate again.
    const retry = await kiosk.renew(request);
    expect(retry.renewal).toEqual(first.renewal);
  });

  it('replays 201 with the very same certificate for a retried request', async () => {
    const s = await world.subscriber('Retry Co');
    await centre.running.services.store.importRegistry([world.record(s)], NOW.toISOString());
    const request = world.request(s, await world.csr(s));
    const first = await kiosk.renew(request);
    const again = await kiosk.renew(request);
    expect(first.status).toBe('issued');
    expect(again.status).toBe('issued');
    expect(again.renewal).toEqual(first.renewal);
  });

  it('returns 409 with the earlier certificate when another kiosk renews an already renewed certificate', async () => {
    const before = await kiosk.renew(world.request(alice, await world.csr(alice)));
    const raw = await post(centre, '/renewals', JSON.stringify(world.request(alice, await world.csr(alice))), credentialOf(otherKiosk));
    expect(raw.status).toBe(409);
    expect(raw.body.code).toBe('ALREADY_RENEWED');
    expect(raw.body.renewal?.certificate).toBe(before.renewal.certificate);
  });

  it('issues exactly one certificate when parallel clients race for one old certificate', async () => {
    const [target] = racers;
    const csr = await world.csr(target!);
    const clients = [kiosk, otherKiosk];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => clients[i % 2]!.renew(world.request(target!, csr))),
    );
    const issued = results.filter((r) => r.status === 'issued');
    expect(issued).toHaveLength(1);
    expect(new Set(results.map((r) => r.renewal.certificate)).size).toBe(1);
    const stored = (await centre.running.services.store.renewedSerials()).filter((s) => s === target!.serial);
    expect(stored).toHaveLength(1);
  });

  it('gives every parallel retry of one request the same certificate', async () => {
    const target = racers[1]!;
    const request = world.request(target, await world.csr(target));
    const results = await Promise.all(Array.from({ length: 8 }, () => kiosk.renew(request)));
    expect(results.every((r) => r.status === 'issued')).toBe(true);
    expect(new Set(results.map((r) => r.renewal.serial)).size).toBe(1);
  });

  it('re-decides eligibility from its own registry and refuses with every reason', async () => {
    for (const [s, reasons] of [
      [revoked, ['REVOKED']],
      [unknown, ['UNKNOWN_SUBSCRIBER']],
    ] as const) {
      const error = await kiosk.renew(world.request(s, await world.csr(s))).catch((e: unknown) => e);
      expect(isCapbuError(error, 'NOT_ELIGIBLE')).toBe(true);
      expect((error as { details: { reasons: string[]; status: number } }).details).toMatchObject({ reasons, status: 422 });
    }
  });

  describe('bad input: a 4xx with its code, nothing issued, stores unchanged', () => {
    let victim: Subscriber;
    let credential: string;
    beforeAll(async () => {
      victim = await world.subscriber('Victim JSC');
      await centre.running.services.store.importRegistry([world.record(victim)], NOW.toISOString());
      credential = credentialOf(kiosk);
    });

    async function expectRefused(body: string, status: number, code: string, reasons?: string[], contentType?: string) {
      const before = await storeSnapshot(centre);
      const reply = await post(centre, '/renewals', body, credential, contentType);
      expect({ status: reply.status, code: reply.body.code }).toEqual({ status, code });
      expect(typeof reply.body.message).toBe('string');
      if (reasons) expect(reply.body.reasons).toEqual(reasons);
      expect(reply.headers.get(TIME_HEADER)).toBe(NOW.toISOString());
      expect(await storeSnapshot(centre)).toEqual(before);
    }
    const json = (r: RenewalRequest) => JSON.stringify(r);

    it('a body over the limit: 413 BODY_TOO_LARGE', async () => {
      await expectRefused(json(world.request(victim, await world.csr(victim), { operator: 'x'.repeat(300_000) })), 413, 'BODY_TOO_LARGE');
    });
    it('malformed JSON: 400 JSON_INVALID', async () => {
      await expectRefused('{"idempotencyKey": "abc', 400, 'JSON_INVALID');
    });
    it('a body of the wrong shape: 400 REQUEST_INVALID', async () => {
      const { channel: _, ...noChannel } = world.request(victim, await world.csr(victim));
      await expectRefused(JSON.stringify(noChannel), 400, 'REQUEST_INVALID');
      await expectRefused(json(world.request(victim, await world.csr(victim), { channel: 'mail' as never })), 400, 'REQUEST_INVALID');
    });
    it('not JSON at all: 4xx REQUEST_INVALID', async () => {
      await expectRefused('hello', 400, 'REQUEST_INVALID', undefined, 'text/plain');
      await expectRefused('<renewal/>', 415, 'REQUEST_INVALID', undefined, 'application/xml');
    });
    it('bad base64: 400 BASE64_INVALID', async () => {
      await expectRefused(json(world.request(victim, await world.csr(victim), { oldCertificate: 'MIIB%%%' })), 400, 'BASE64_INVALID');
      await expectRefused(json(world.request(victim, await world.csr(victim), { csr: 'MIIBxyz' })), 400, 'BASE64_INVALID');
    });
    it('bad DER: 400 CERTIFICATE_INVALID and CSR_INVALID', async () => {
      const junk = Buffer.from('not a certificate at all').toString('base64');
      await expectRefused(json(world.request(victim, await world.csr(victim), { oldCertificate: junk })), 400, 'CERTIFICATE_INVALID');
      await expectRefused(json(world.request(victim, await world.csr(victim), { csr: junk })), 400, 'CSR_INVALID');
      // A certificate where the CSR should be.
      await expectRefused(json(world.request(victim, await world.csr(victim), { csr: Buffer.from(victim.der).toString('base64') })), 400, 'CSR_INVALID');
    });
    it('a CSR for another key: 400 CSR_KEY_MISMATCH', async () => {
      await expectRefused(json(world.request(victim, await world.csr(victim, { keys: world.otherKeys }))), 400, 'CSR_KEY_MISMATCH');
    });
    it('a CSR with the right key but signed by another key: 422 NO_PRIVATE_KEY', async () => {
      const before = await storeSnapshot(centre);
      const reply = await post(centre, '/renewals', json(world.request(victim, await csrWithForeignSignature(world, victim))), credential);
      expect({ status: reply.status, code: reply.body.code, reasons: reply.body.reasons }).toEqual({
        status: 422,
        code: 'NOT_ELIGIBLE',
        reasons: ['NO_PRIVATE_KEY'],
      });
      // A genuine campaign certificate's refusal is counted for the report; nothing else changes.
      const after = await storeSnapshot(centre);
      expect(after.renewed).toEqual(before.renewed);
      expect(after.registry).toEqual(before.registry);
    });
    it('a CSR for another subject: 400 CSR_SUBJECT_MISMATCH', async () => {
      await expectRefused(json(world.request(victim, await world.csr(victim, { subject: 'CN=Someone Else,C=VN' }))), 400, 'CSR_SUBJECT_MISMATCH');
    });
    it('an old certificate from another CA, or forged in the old CA\'s name: 422 NOT_ISSUED_BY_OLD_CA', async () => {
      for (const issuer of ['other', 'forged'] as const) {
        const s = await world.subscriber(`Outsider ${issuer}`, { issuer });
        await centre.running.services.store.importRegistry([world.record(s)], NOW.toISOString());
        await expectRefused(json(world.request(s, await world.csr(s))), 422, 'NOT_ELIGIBLE', ['NOT_ISSUED_BY_OLD_CA']);
      }
    });
    it('a replay with a changed body under the same idempotency key: 422 IDEMPOTENCY_KEY_REUSED', async () => {
      const s = await world.subscriber('Replay Ltd');
      await centre.running.services.store.importRegistry([world.record(s)], NOW.toISOString());
      const request = world.request(s, await world.csr(s));
      const first = await kiosk.renew(request);
      await expectRefused(json({ ...request, operator: 'someone.else' }), 422, 'IDEMPOTENCY_KEY_REUSED');
      await expectRefused(json({ ...request, oldCertificate: Buffer.from(victim.der).toString('base64') }), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect((await kiosk.renew(request)).renewal).toEqual(first.renewal);
    });
    it('a request without a valid credential: 401 UNAUTHORIZED', async () => {
      const body = json(world.request(victim, await world.csr(victim)));
      const before = await storeSnapshot(centre);
      for (const bad of [undefined, 'hn-counter-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'nobody.AAAAAAAAAAAAAAAAAAAAAAAA', 'garbage']) {
        const reply = await post(centre, '/renewals', body, bad);
        expect({ status: reply.status, code: reply.body.code }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
      }
      expect(await storeSnapshot(centre)).toEqual(before);
    });
    it('an unknown route: 404 NOT_FOUND', async () => {
      const reply = await post(centre, '/renewal', '{}', credential);
      expect({ status: reply.status, code: reply.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    });
  });
});
