/**
 * `capbu check` on real SoftHSM2 tokens: every reason code, the time-zone edges, forged and
 * foreign certificates, Vietnamese names, and the JSON contract.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { SubscriberRecord } from '../src/campaign/registry.js';
import { placeCaCertificate, placeCertificate, type CertificateSpec } from '../src/demo/customer.js';
import { pkcs11js } from '../src/token/module.js';
import { Pin } from '../src/token/pin.js';
import { closeSession, login, openSession } from '../src/token/session.js';
import { CAP, NOW, USER_PIN, makeWorld, type World } from './support/world.js';
import { normalizeSerial } from '../src/pki/certificate.js';
import { runCapbu } from './support/cli.js';
import { columns } from '../src/cli/wrap.js';

let world: World;
let serialCounter = 0x1000;

interface Json {
  token: { label: string; serial: string; manufacturer: string; model: string };
  keyCheckLoggedIn: boolean;
  certificates: {
    serial: string;
    subject: string;
    issuer: string;
    notBefore: string;
    notAfter: string;
    role: string;
    hasPrivateKey: boolean;
    decision?: { eligible: boolean; reasons: string[]; renewalNotAfter: string | null; rollout?: { hardwareVersion: string | null; opensOn: string | null; overridden: boolean } | null };
  }[];
  unreadable: { label: string; error: string }[];
  candidate: string | null;
  pinTries: { counted: number; remaining: number; locked: boolean; finalTry: boolean };
}

/** A subscriber who qualifies, unless a test changes one thing. */
function customer(over: Partial<CertificateSpec> = {}): CertificateSpec {
  return {
    subject: { commonName: 'CÔNG TY TNHH HẢI ĐĂNG', taxCode: '0101234567', province: 'HÀ NỘI' },
    issuer: world.pki.oldCa,
    notBefore: new Date('2018-03-01T02:00:00Z'),
    notAfter: CAP,
    serial: (serialCounter++).toString(16).padStart(6, '0'),
    ...over,
  };
}

function subscriber(serial: string, over: Partial<SubscriberRecord> = {}): SubscriberRecord {
  return { serial, taxCode: '0101234567', contractEnd: '2022-03-01', status: 'active', province: 'HN', ...over };
}

/** A token holding one certificate, with its registry row (unless `row` is null). */
async function scenario(
  label: string,
  spec: Partial<CertificateSpec>,
  row: Partial<SubscriberRecord> | null = {},
): Promise<string> {
  const token = world.newToken(label);
  const placed = await placeCertificate(world.lib, token, USER_PIN, customer(spec));
  const serial = normalizeSerial(placed.certificate.serialNumber);
  if (row) expect((await world.importRegistry([subscriber(serial, row)])).code).toBe(0);
  return serial;
}

async function checkJson(label: string, extra: string[] = [], stdin?: string): Promise<{ code: number | null; json: Json }> {
  const result = await world.capbu(['check', '--token', label, '--json', '--now', NOW, ...extra], stdin);
  expect(result.stderr).toBe('');
  return { code: result.code, json: JSON.parse(result.stdout) as Json };
}

async function reasonsFor(label: string, extra: string[] = []): Promise<string[]> {
  const { json } = await checkJson(label, extra);
  const ee = json.certificates.filter((c) => c.role === 'end-entity');
  expect(ee).toHaveLength(1);
  return ee[0]!.decision!.reasons;
}

beforeAll(async () => {
  world = await makeWorld();
});

describe('an eligible certificate', () => {
  it('is reported eligible with the contract end as the new validity, exit 0', async () => {
    const serial = await scenario('eligible', {});
    const { code, json } = await checkJson('eligible');
    expect(code).toBe(0);
    expect(json.token).toMatchObject({ label: 'eligible', manufacturer: 'SoftHSM project', model: 'SoftHSM v2' });
    expect(json.keyCheckLoggedIn).toBe(false);
    expect(json.candidate).toBe(serial);
    expect(json.certificates).toEqual([
      {
        serial,
        subject: 'UID=MST:0101234567,CN=CÔNG TY TNHH HẢI ĐĂNG,ST=HÀ NỘI,C=VN',
        issuer: 'CN=Viettel-CA,O=Viettel Group,C=VN',
        notBefore: '2018-03-01T02:00:00Z',
        notAfter: '2020-10-02T09:00:00Z',
        role: 'end-entity',
        hasPrivateKey: true,
        // 23:59:59 on 2022-03-01 in Hanoi.
        decision: {
          campaign: 'viettel-ca-2020',
          eligible: true,
          reasons: [],
          renewalNotAfter: '2022-03-01T16:59:59Z',
          warnings: [],
          // All of it compensation: 02/10/2020 to 01/03/2022, no paid order.
          grant: { compensationNotAfter: '2022-03-01T16:59:59Z', compensationDays: 515, paid: null },
          // SoftHSM2 reports hardware version 2.6, which the 2020 plan opens with the remaining versions.
          rollout: { hardwareVersion: '2.6', opensOn: '2020-05-01', overridden: false },
        },
      },
    ]);
    expect(json.unreadable).toEqual([]);
  });

  it('is granted no more than the new CA certificate covers', async () => {
    await scenario('long-contract', {}, { contractEnd: '2026-12-31' });
    const { json } = await checkJson('long-contract');
    expect(json.certificates[0]!.decision).toEqual({
      campaign: 'viettel-ca-2020',
      eligible: true,
      reasons: [],
      renewalNotAfter: '2024-07-17T00:00:00Z',
      warnings: [],
      grant: { compensationNotAfter: '2024-07-17T00:00:00Z', compensationDays: 1384, paid: null },
      rollout: { hardwareVersion: '2.6', opensOn: '2020-05-01', overridden: false },
    });
  });

  it('is checked against private keys once the PIN is given', async () => {
    await scenario('with-pin', { algorithm: 'ec' });
    const { code, json } = await checkJson('with-pin', ['--pin-stdin'], `${USER_PIN}\n`);
    expect(code).toBe(0);
    expect(json.keyCheckLoggedIn).toBe(true);
    expect(json.certificates[0]!.hasPrivateKey).toBe(true);
  });

  it('prints a readable report in Vietnamese by default', async () => {
    await scenario('report-vi', {});
    const result = await world.capbu(['check', '--token', 'report-vi', '--now', NOW, '--lang', 'vi']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ĐỦ điều kiện cấp bù: chứng thư số mới có hiệu lực đến hết ngày 01/03/2022.');
    expect(result.stdout).toContain('Chứng thư số sẽ được cấp bù:');
    expect(result.stdout).toContain('Ngày tháng theo giờ Việt Nam.');
    // Issue 11 point 10: dates for people, in the campaign's zone; ISO UTC only in --json.
    expect(result.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});

describe('each reason on a real token', () => {
  it('NOT_ISSUED_BY_OLD_CA for a forgery that names the old CA but is signed by another key', async () => {
    await scenario('forged', { forgedWith: world.pki.otherCa });
    expect(await reasonsFor('forged')).toEqual(['NOT_ISSUED_BY_OLD_CA']);
  });

  it('NOT_ISSUED_BY_OLD_CA for a certificate from the new CA key, which shares the old name', async () => {
    await scenario('new-ca', { issuer: world.pki.newCa, notBefore: new Date('2019-08-01T00:00:00Z') });
    expect(await reasonsFor('new-ca')).toEqual(['NOT_ISSUED_BY_OLD_CA', 'ISSUED_ON_OR_AFTER_CUTOFF']);
  });

  it('ISSUED_ON_OR_AFTER_CUTOFF at 00:30 Hanoi time on the cutoff day, still the day before in UTC', async () => {
    await scenario('cutoff-0030', { notBefore: new Date('2019-07-16T17:30:00Z') });
    const result = await world.capbu(['check', '--token', 'cutoff-0030', '--now', NOW]);
    expect(result.code).toBe(1);
    // Issue 11 point 11: what is true of this certificate, with its own dates; the code on a details line.
    expect(result.stdout).toContain('- The certificate was issued on 17/07/2019, not before 17/07/2019: not part of this renewal.');
    expect(result.stdout).toContain('Details: ISSUED_ON_OR_AFTER_CUTOFF');
    expect(result.stdout).not.toContain('- ISSUED_ON_OR_AFTER_CUTOFF');
    // Issue 11 point 12: nothing eligible, so nothing is said to be renewed.
    expect(result.stdout).toContain('No certificate on this token is to be renewed.');
    expect(result.stdout).not.toContain('Certificate to renew');
    expect(await reasonsFor('cutoff-0030')).toEqual(['ISSUED_ON_OR_AFTER_CUTOFF']);
  });

  it('no cutoff reason at 23:59:59 Hanoi time the day before the cutoff', async () => {
    await scenario('cutoff-eve', { notBefore: new Date('2019-07-16T16:59:59Z') });
    expect(await reasonsFor('cutoff-eve')).toEqual([]);
  });

  it('NOT_CAPPED when it expires at 00:30 Hanoi time the day after the cap date (the cap date in UTC)', async () => {
    await scenario('cap-next-day', { notAfter: new Date('2020-10-02T17:30:00Z') });
    expect(await reasonsFor('cap-next-day')).toEqual(['NOT_CAPPED']);
  });

  it('NOT_CAPPED when it expires before the cap date', async () => {
    await scenario('short', { notAfter: new Date('2020-03-01T00:00:00Z') });
    expect(await reasonsFor('short')).toEqual(['NOT_CAPPED']);
  });

  it('UNKNOWN_SUBSCRIBER skips the contract and status checks', async () => {
    await scenario('unknown', { subject: { commonName: 'Ai đó', taxCode: '999' } }, null);
    expect(await reasonsFor('unknown')).toEqual(['UNKNOWN_SUBSCRIBER']);
  });

  it('REVOKED', async () => {
    await scenario('revoked', {}, { status: 'revoked' });
    expect(await reasonsFor('revoked')).toEqual(['REVOKED']);
  });

  it('SUSPENDED', async () => {
    await scenario('suspended', {}, { status: 'suspended' });
    expect(await reasonsFor('suspended')).toEqual(['SUSPENDED']);
  });

  it('CONTRACT_NOT_BEYOND_CAP when the contract ends on the cap date', async () => {
    await scenario('contract-at-cap', {}, { contractEnd: '2020-10-02' });
    expect(await reasonsFor('contract-at-cap')).toEqual(['CONTRACT_NOT_BEYOND_CAP']);
  });

  it('TAX_CODE_MISMATCH when the registry holds another tax code', async () => {
    await scenario('tax', {}, { taxCode: '0309999999' });
    expect(await reasonsFor('tax')).toEqual(['TAX_CODE_MISMATCH']);
  });

  it('NO_PRIVATE_KEY for a certificate whose key is not on the token', async () => {
    await scenario('no-key', { keyOnToken: false });
    expect(await reasonsFor('no-key')).toEqual(['NO_PRIVATE_KEY']);
    const { json } = await checkJson('no-key', ['--pin-stdin'], USER_PIN);
    expect(json.certificates[0]!.decision!.reasons).toEqual(['NO_PRIVATE_KEY']);
  });

  it('NOTHING_LEFT_TO_GRANT once the contract has ended', async () => {
    await scenario('ended', {}, { contractEnd: '2021-01-01' });
    const result = await world.capbu(['check', '--token', 'ended', '--json', '--now', '2021-01-01T17:00:00Z']);
    expect(JSON.parse(result.stdout).certificates[0].decision.reasons).toEqual(['NOTHING_LEFT_TO_GRANT']);
  });

  it('lists every reason that applies, in order', async () => {
    await scenario(
      'many',
      { forgedWith: world.pki.otherCa, notBefore: new Date('2019-08-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z'), keyOnToken: false },
      { status: 'revoked', contractEnd: '2020-01-01', taxCode: '1' },
    );
    expect(await reasonsFor('many', ['--now', '2020-06-01T00:00:00Z'])).toEqual([
      'NOT_ISSUED_BY_OLD_CA',
      'ISSUED_ON_OR_AFTER_CUTOFF',
      'NOT_CAPPED',
      'REVOKED',
      'CONTRACT_NOT_BEYOND_CAP',
      'TAX_CODE_MISMATCH',
      'NO_PRIVATE_KEY',
      'NOTHING_LEFT_TO_GRANT',
    ]);
  });
});

describe('Vietnamese subjects', () => {
  for (const encoding of ['utf8String', 'bmpString'] as const) {
    it(`reads a ${encoding} subject and its tax code`, async () => {
      const label = `vn-${encoding}`;
      await scenario(label, {
        subject: { commonName: 'Doanh nghiệp tư nhân Đồng Nai Ước', taxCode: '3600123456', province: 'ĐỒNG NAI', encoding },
      }, { taxCode: '3600123456' });
      const { code, json } = await checkJson(label);
      expect(code).toBe(0);
      expect(json.certificates[0]!.subject).toBe('UID=MST:3600123456,CN=Doanh nghiệp tư nhân Đồng Nai Ước,ST=ĐỒNG NAI,C=VN');
    });
  }
});

describe('a token holding more than the subscriber certificate', () => {
  it('gives CA certificates no decision, ignores other CAs, lists junk as unreadable', async () => {
    const label = 'crowded';
    const token = world.newToken(label);
    placeCaCertificate(world.lib, token, USER_PIN, world.pki.oldCa, 'Viettel-CA');
    await placeCertificate(world.lib, token, USER_PIN, customer({
      issuer: world.pki.otherCa,
      subject: { commonName: 'Other CA customer' },
      label: 'other',
    }));
    const mine = await placeCertificate(world.lib, token, USER_PIN, customer({ label: 'mine' }));
    const serial = normalizeSerial(mine.certificate.serialNumber);
    await world.importRegistry([subscriber(serial)]);
    // A data object and a certificate object whose value is not a certificate.
    const session = openSession(world.lib, token, true);
    login(session, new Pin(USER_PIN));
    world.lib.C_CreateObject(session.handle, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: 'vendor-data' },
      { type: pkcs11js.CKA_VALUE, value: randomBytes(40) },
    ]);
    world.lib.C_CreateObject(session.handle, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: 'garbage' },
      { type: pkcs11js.CKA_SUBJECT, value: Buffer.from('3000', 'hex') },
      { type: pkcs11js.CKA_VALUE, value: randomBytes(64) },
    ]);
    closeSession(session);

    const { code, json } = await checkJson(label);
    expect(code).toBe(0);
    const seen = json.certificates.map((c) => [c.role, c.subject.split(',')[0], c.hasPrivateKey, c.decision?.reasons ?? null]);
    expect(seen.sort()).toEqual([
      ['ca', 'CN=Viettel-CA', false, null],
      ['end-entity', 'CN=Other CA customer', true, ['NOT_ISSUED_BY_OLD_CA', 'UNKNOWN_SUBSCRIBER']],
      ['end-entity', 'UID=MST:0101234567', true, []],
    ]);
    expect(json.unreadable).toEqual([{ label: 'garbage', error: 'CERTIFICATE_UNPARSEABLE', problem: expect.any(String) }]);
    expect(json.candidate).toBe(serial);
  });

  it('names as candidate the old-CA certificate when none is eligible, and exits 1', async () => {
    const serial = await scenario('candidate-ineligible', {}, { status: 'revoked' });
    const { code, json } = await checkJson('candidate-ineligible');
    expect(code).toBe(1);
    expect(json.candidate).toBe(serial);
  });

  it('names no candidate when no certificate comes from the old CA key', async () => {
    await scenario('no-candidate', { issuer: world.pki.otherCa });
    const { code, json } = await checkJson('no-candidate');
    expect(code).toBe(1);
    expect(json.candidate).toBeNull();
  });
});

describe('key evidence', () => {
  it('does not take an equal CKA_ID for proof: a key with the same ID but another public key does not count', async () => {
    const label = 'id-clash';
    const token = world.newToken(label);
    const spec = customer({ keyOnToken: false });
    const placed = await placeCertificate(world.lib, token, USER_PIN, spec);
    // A key generated on the token under the certificate's own CKA_ID, but a different key.
    const session = openSession(world.lib, token, true);
    login(session, new Pin(USER_PIN));
    const { generateKeyPair } = await import('../src/token/write.js');
    generateKeyPair(session, 'rsa', placed.id, 'decoy');
    closeSession(session);
    const serial = normalizeSerial(placed.certificate.serialNumber);
    await world.importRegistry([subscriber(serial)]);
    expect(await reasonsFor(label)).toEqual(['NO_PRIVATE_KEY']);
    const { json } = await checkJson(label, ['--pin-stdin'], USER_PIN);
    expect(json.certificates[0]!.hasPrivateKey).toBe(false);
  });

  it('without the PIN relies on the public key object; with it, on the private key itself', async () => {
    const label = 'no-public-object';
    const token = world.newToken(label);
    const placed = await placeCertificate(world.lib, token, USER_PIN, customer());
    const session = openSession(world.lib, token, true);
    login(session, new Pin(USER_PIN));
    world.lib.C_FindObjectsInit(session.handle, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }]);
    const [publicKey] = world.lib.C_FindObjects(session.handle, 1);
    world.lib.C_FindObjectsFinal(session.handle);
    world.lib.C_DestroyObject(session.handle, publicKey!);
    closeSession(session);
    await world.importRegistry([subscriber(normalizeSerial(placed.certificate.serialNumber))]);
    expect(await reasonsFor(label)).toEqual(['NO_PRIVATE_KEY']);
    const { code, json } = await checkJson(label, ['--pin-stdin'], USER_PIN);
    expect(code).toBe(0);
    expect(json.keyCheckLoggedIn).toBe(true);
    expect(json.certificates[0]!.hasPrivateKey).toBe(true);
  });
});

describe('the PIN tries left (issue 11 point 11)', () => {
  it("says the kiosk's count once, in the words a wrong PIN gets from check and renew, and in --json", async () => {
    await scenario('tries-left', {});
    const phrase = 'còn 4 lần thử trước khi USB token bị khóa';
    const wrong = await world.capbu(['check', '--token', 'tries-left', '--pin-stdin', '--now', NOW, '--lang', 'vi'], 'wrong-pin-1\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(`capbu: PIN_INCORRECT: sai mã PIN; ${phrase}\n`);
    const report = await world.capbu(['check', '--token', 'tries-left', '--now', NOW, '--lang', 'vi']);
    expect(report.stdout).toContain(`Mã PIN: đã nhập sai 1 lần tại máy quầy này; ${phrase}`);
    expect(report.stdout.split('lần thử')).toHaveLength(2);
    const counted = await checkJson('tries-left');
    expect(counted.json.pinTries).toEqual({ counted: 1, remaining: 4, locked: false, finalTry: false });
    // A good login resets the count, and a fresh count has nothing to say.
    const good = await checkJson('tries-left', ['--pin-stdin'], `${USER_PIN}\n`);
    expect(good.json.pinTries).toEqual({ counted: 0, remaining: 5, locked: false, finalTry: false });
    const fresh = await world.capbu(['check', '--token', 'tries-left', '--now', NOW, '--lang', 'vi']);
    expect(fresh.stdout).not.toContain('Mã PIN');
  });

  it('says the final try in English too, with the count', async () => {
    await scenario('tries-final', {});
    for (let i = 0; i < 4; i++) expect((await world.capbu(['check', '--token', 'tries-final', '--pin-stdin', '--now', NOW], 'wrong-pin-1\n')).code).toBe(2);
    const report = await world.capbu(['check', '--token', 'tries-final', '--now', NOW, '--lang', 'en']);
    expect(report.stdout).toContain('PIN: 4 wrong PIN(s) counted at this kiosk; one try left: the next wrong PIN locks the token');
  });
});

describe('capbu tokens', () => {
  it('lists the tokens present with their PIN state', async () => {
    await scenario('listed', {});
    const result = await world.capbu(['tokens', '--json']);
    expect(result.code).toBe(0);
    const tokens = JSON.parse(result.stdout) as { label: string; pin: { locked: boolean } }[];
    expect(tokens.map((t) => t.label)).toContain('listed');
    expect(tokens.find((t) => t.label === 'listed')!.pin).toEqual({ countLow: false, finalTry: false, locked: false });
  });
});

describe('output that fits 80 columns (issue 11 point 13)', () => {
  const at80 = (args: string[], stdin?: string) => runCapbu(args, { env: { ...world.env, COLUMNS: '80' }, stdin });
  const fits = (text: string) => {
    for (const line of text.split('\n')) expect(columns(line), line).toBeLessThanOrEqual(80);
  };

  it('capbu tokens: a header, aligned columns, PIN states in words', async () => {
    await scenario('table-a', {});
    await scenario('table-bb-longer-label', {});
    const result = await at80(['tokens', '--lang', 'vi']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Nhãn\s+Số sê-ri\s+Thiết/);
    // Each column starts where its header does, on every token's first line.
    const device = lines[0]!.indexOf('Thiết');
    const rows = lines.filter((l) => l.startsWith('table-'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.indexOf('SoftHSM')).toBe(device);
    expect(result.stdout).toContain('bình thường');
    expect(result.stdout).not.toMatch(/countLow|finalTry|locked/);
    fits(result.stdout);
  });

  it('SEVERAL_TOKENS and PIN_INVALID wrap at spaces, never inside a word', async () => {
    await scenario('fit-pin', {});
    const several = await at80(['check', '--now', NOW, '--lang', 'vi']);
    expect(several.stderr).toMatch(/^capbu: SEVERAL_TOKENS: /);
    const invalid = await at80(['check', '--token', 'fit-pin', '--pin-stdin', '--now', NOW, '--lang', 'vi'], 'mật-khẩu\n');
    expect(invalid.stderr).toMatch(/^capbu: PIN_INVALID: /);
    for (const result of [several, invalid]) {
      fits(result.stderr);
      expect(result.stderr.trimEnd().split('\n').length).toBeGreaterThan(1);
      // Joined again at the breaks, the line is the message as the catalogue has it.
      const joined = result.stderr.trimEnd().split('\n').map((l) => l.trim()).join(' ');
      expect(joined.split(' ').every((word) => word.length > 0)).toBe(true);
    }
  });

  it("the readable report fits, whatever the subject's length", async () => {
    await scenario('fit-report', { subject: { commonName: `CÔNG TY TNHH ${'THƯƠNG MẠI DỊCH VỤ '.repeat(4)}HẢI ĐĂNG`, taxCode: '0101234567', province: 'HÀ NỘI' } });
    const result = await at80(['check', '--token', 'fit-report', '--now', NOW, '--lang', 'vi']);
    expect(result.code).toBe(0);
    fits(result.stdout);
  });
});
