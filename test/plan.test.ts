/**
 * The rollout plan, the paid extension and the supervisor's override as rules: decide() with the
 * 2020 notice's plan at its phase boundaries in Hanoi (23:59 and 00:00 local), paid orders within
 * and past the new CA, the orders file refused whole, and overrides forged, expired and good.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CalendarDate } from '../src/campaign/calendar.js';
import { buildCampaign, parseCampaignFile, type Campaign } from '../src/campaign/campaign.js';
import { parseCaCertificate } from '../src/pki/ca-certificate.js';
import { decide, type DecisionInput } from '../src/campaign/decide.js';
import { parseOrdersCsv } from '../src/campaign/orders.js';
import { overridePayload, overrideText, overrideVerifyKey, verifyOverride } from '../src/campaign/override.js';
import { openingPhase, parsePlan } from '../src/campaign/plan.js';
import type { SubscriberRecord } from '../src/campaign/registry.js';
import { CAMPAIGN_2020, CAP_2020, PKI_2020 } from '../src/demo/campaign-2020.js';
import { buildPki, EC_ALG, generateKeys, issueSubscriber, spkiOf } from '../src/demo/pki.js';
import { parseCertificate, type CertificateFacts } from '../src/pki/certificate.js';
import { CapbuError } from '../src/errors.js';

const NEW_CA_END = PKI_2020.newCaNotAfter;
let campaign: Campaign;
let certificate: CertificateFacts;

beforeAll(async () => {
  const pki = await buildPki(PKI_2020);
  const ca = (a: typeof pki.oldCa) => parseCaCertificate(new Uint8Array(a.certificate.rawData), 'test');
  // The plan as the campaign file carries it, read back by the file's parser.
  const [spec] = parseCampaignFile(JSON.stringify({ ...CAMPAIGN_2020, oldCa: 'old', newCa: 'new' }));
  campaign = buildCampaign(spec!, ca(pki.oldCa), ca(pki.newCa));
  const spki = await spkiOf((await generateKeys(EC_ALG)).publicKey);
  certificate = parseCertificate(
    new Uint8Array((await issueSubscriber(pki.oldCa, { subject: { commonName: 'Công ty A', taxCode: '0100000001' }, spki, notBefore: new Date('2018-03-01T02:00:00Z'), notAfter: CAP_2020 })).rawData),
  );
});

const subscriber = (extra: Partial<SubscriberRecord> = {}): SubscriberRecord => ({
  serial: certificate.serial,
  taxCode: '0100000001',
  contractEnd: '2022-03-01' as CalendarDate,
  status: 'active',
  province: 'HN',
  ...extra,
});

const decideAt = (now: string, input: Partial<DecisionInput> = {}) =>
  decide({ certificate, subscriber: subscriber(), hasPrivateKey: true, ...input }, campaign, new Date(now));

describe('the 2020 notice plan', () => {
  it('is carried by the demo campaign file as the issue lists it', () => {
    expect(campaign.plan?.phases.map((p) => [p.id, p.from, p.to, p.opens, p.target])).toEqual([
      ['1', '2020-03-10', '2020-03-31', ['v4'], null],
      ['2', '2020-04-01', '2020-04-30', ['v2', 'v5'], null],
      ['3', '2020-05-01', '2020-05-31', 'others', null],
      ['4', '2020-06-01', '2020-07-30', [], 1],
      ['5', '2020-08-01', '2020-09-30', [], 1],
    ]);
    expect(openingPhase(campaign.plan!, 'v6')?.id).toBe('3');
    expect(openingPhase(campaign.plan!, null)?.id).toBe('3');
  });

  // Phase 2 opens v2 on 01/04/2020 in Hanoi: 2020-03-31T17:00:00Z.
  it.each([
    { at: '2020-03-31T16:59:59Z', local: '31/03 23:59:59', version: 'v2', open: false },
    { at: '2020-03-31T17:00:00Z', local: '01/04 00:00:00', version: 'v2', open: true },
    { at: '2020-03-09T16:59:59Z', local: '09/03 23:59:59', version: 'v4', open: false },
    { at: '2020-03-09T17:00:00Z', local: '10/03 00:00:00', version: 'v4', open: true },
    { at: '2020-04-30T16:59:59Z', local: '30/04 23:59:59', version: 'v6', open: false },
    { at: '2020-04-30T17:00:00Z', local: '01/05 00:00:00', version: 'v6', open: true },
    { at: '2020-04-30T17:00:00Z', local: '01/05 00:00:00 (no version known)', version: null, open: true },
  ])('$version at $local Hanoi time: open $open', ({ at, version, open }) => {
    const d = decideAt(at, { tokenHardwareVersion: version });
    expect(d.reasons).toEqual(open ? [] : ['ROLLOUT_NOT_OPEN']);
    expect(d.rollout).toMatchObject({ hardwareVersion: version, overridden: false });
  });

  it('says the day the version opens', () => {
    expect(decideAt('2020-03-20T03:00:00Z', { tokenHardwareVersion: 'v5' }).rollout).toEqual({ hardwareVersion: 'v5', opensOn: '2020-04-01', overridden: false });
  });

  it("goes by the registry's hardware version before the token's label", () => {
    const d = decide({ certificate, subscriber: subscriber({ hardwareVersion: 'v4' }), hasPrivateKey: true, tokenHardwareVersion: 'v2' }, campaign, new Date('2020-03-20T03:00:00Z'));
    expect(d.reasons).toEqual([]);
    expect(d.rollout?.hardwareVersion).toBe('v4');
  });

  it('lets a verified override through, and says so', () => {
    const d = decideAt('2020-03-20T03:00:00Z', { tokenHardwareVersion: 'v2', rolloutOverride: true });
    expect(d.eligible).toBe(true);
    expect(d.rollout).toEqual({ hardwareVersion: 'v2', opensOn: '2020-04-01', overridden: true });
  });

  it('an override changes nothing but the plan', () => {
    const d = decide({ certificate, subscriber: subscriber({ status: 'revoked' }), hasPrivateKey: true, tokenHardwareVersion: 'v2', rolloutOverride: true }, campaign, new Date('2020-03-20T03:00:00Z'));
    expect(d.reasons).toEqual(['REVOKED']);
  });

  it('a version no phase opens gets no date', () => {
    const plan = parsePlan({ phases: [{ from: '2020-03-10', to: '2020-03-31', opens: ['v4'] }] });
    const d = decide({ certificate, subscriber: subscriber(), hasPrivateKey: true, tokenHardwareVersion: 'v2' }, { ...campaign, plan }, new Date('2021-01-01T00:00:00Z'));
    expect(d.reasons).toEqual(['ROLLOUT_NOT_OPEN']);
    expect(d.rollout?.opensOn).toBeNull();
  });

  it('a campaign without a plan is open to every version', () => {
    const d = decide({ certificate, subscriber: subscriber(), hasPrivateKey: true, tokenHardwareVersion: 'v2' }, { ...campaign, plan: null }, new Date('2020-03-01T00:00:00Z'));
    expect(d.reasons).toEqual([]);
    expect(d.rollout).toBeNull();
  });

  it.each([
    [{ phases: [] }, 'plan.phases', 'missing'],
    [{ phases: [{ from: '2020-03-10', to: '2020-03-01', opens: [] }] }, 'plan.phases[0].to', 'before-from'],
    [{ phases: [{ from: '2020-03-10', to: '2020-03-31', opens: [] }, { from: '2020-03-31', to: '2020-04-30', opens: [] }] }, 'plan.phases[1].from', 'overlaps-previous'],
    [{ phases: [{ from: '2020-03-10', to: '2020-03-31', opens: 'v4' }] }, 'plan.phases[0].opens', 'not-a-version-list'],
    [{ phases: [{ from: '2020-03-10', to: '2020-03-31', opens: [], target: 1.5 }] }, 'plan.phases[0].target', 'not-a-share'],
    [{ phases: [{ from: '10/03/2020', to: '2020-03-31', opens: [] }] }, 'plan.phases[0].from', 'not-a-date'],
  ])('refuses a bad plan %#', (plan, field, problem) => {
    expect(() => parsePlan(plan)).toThrow(CapbuError);
    try {
      parsePlan(plan);
    } catch (error) {
      expect((error as CapbuError).details).toEqual({ field, problem });
    }
  });
});

describe('compensation combined with a paid extension', () => {
  const at = '2020-06-01T03:00:00Z';

  it('without an order: the contract end, all of it compensation', () => {
    const d = decideAt(at);
    expect(d.renewalNotAfter?.toISOString()).toBe('2022-03-01T16:59:59.000Z');
    expect(d.grant).toEqual({ compensationNotAfter: new Date('2022-03-01T16:59:59Z'), compensationDays: 515, paid: null });
    expect(d.warnings).toEqual([]);
  });

  it('an order past the contract: the later end, split in two parts', () => {
    const d = decideAt(at, { subscriber: subscriber({ paidOrder: { orderId: 'GH-1', paidUntil: '2023-03-01', paidAt: null } }) });
    expect(d.renewalNotAfter?.toISOString()).toBe('2023-03-01T16:59:59.000Z');
    expect(d.grant?.compensationDays).toBe(515);
    expect(d.grant?.paid).toEqual({ orderId: 'GH-1', paidUntil: '2023-03-01', days: 365, cappedDays: 0 });
    expect(d.warnings).toEqual([]);
  });

  it('an order ending before the contract adds nothing', () => {
    const d = decideAt(at, { subscriber: subscriber({ paidOrder: { orderId: 'GH-2', paidUntil: '2021-01-01', paidAt: null } }) });
    expect(d.renewalNotAfter?.toISOString()).toBe('2022-03-01T16:59:59.000Z');
    expect(d.grant?.paid).toMatchObject({ days: 0, cappedDays: 0 });
  });

  it('an order past the new CA: capped at its end, warned, still eligible', () => {
    const d = decideAt(at, { subscriber: subscriber({ paidOrder: { orderId: 'GH-3', paidUntil: '2025-07-17', paidAt: null } }) });
    expect(d.eligible).toBe(true);
    expect(d.renewalNotAfter).toEqual(NEW_CA_END);
    expect(d.warnings).toEqual(['PAID_PERIOD_CAPPED']);
    // The new CA ends 2024-07-17 07:00 in Hanoi: 365 days of 2024-07-17 … 2025-07-17 cannot be issued.
    expect(d.grant?.paid).toEqual({ orderId: 'GH-3', paidUntil: '2025-07-17', days: 869, cappedDays: 365 });
  });

  it('a contract already past the new CA: the order adds nothing and is capped whole', () => {
    const d = decideAt(at, { subscriber: subscriber({ contractEnd: '2025-01-01', paidOrder: { orderId: 'GH-4', paidUntil: '2026-01-01', paidAt: null } }) });
    expect(d.renewalNotAfter).toEqual(NEW_CA_END);
    expect(d.warnings).toEqual(['PAID_PERIOD_CAPPED']);
    expect(d.grant?.paid?.days).toBe(0);
  });

  it('a refused certificate carries no grant and no warning', () => {
    const d = decideAt(at, { subscriber: subscriber({ status: 'revoked', paidOrder: { orderId: 'GH-5', paidUntil: '2026-01-01', paidAt: null } }) });
    expect(d.eligible).toBe(false);
    expect(d.grant).toBeNull();
    expect(d.warnings).toEqual([]);
  });
});

describe('the orders file', () => {
  it('reads serial,orderId,paidUntil[,paidAt]', () => {
    expect(parseOrdersCsv('serial,orderId,paidUntil,paidAt\n0A1B,GH-1,2023-03-01,2020-05-20T10:00:00+07:00\n0c,GH-2,2024-01-01,\n')).toEqual([
      { serial: 'a1b', orderId: 'GH-1', paidUntil: '2023-03-01', paidAt: '2020-05-20T03:00:00.000Z' },
      { serial: 'c', orderId: 'GH-2', paidUntil: '2024-01-01', paidAt: null },
    ]);
    expect(parseOrdersCsv('serial,orderId,paidUntil\n0a,GH-1,2023-03-01\n')).toHaveLength(1);
  });

  it('keys orders by the issuer key identifier and serial when the export names the key', () => {
    expect(parseOrdersCsv('serial,orderId,paidUntil,issuerKeyId\n0a,GH-1,2023-03-01,AA:BB\n0a,GH-2,2024-09-01,ccdd\n')).toEqual([
      { serial: 'a', issuerKeyId: 'aabb', orderId: 'GH-1', paidUntil: '2023-03-01', paidAt: null },
      { serial: 'a', issuerKeyId: 'ccdd', orderId: 'GH-2', paidUntil: '2024-09-01', paidAt: null },
    ]);
    expect(refusal('serial,orderId,paidUntil,paidAt,issuerKeyId\n0a,GH-1,2023-03-01,,aabb\n0a,GH-2,2023-03-01,,AABB\n0b,GH-3,2023-03-01,,zz\n')).toEqual({
      code: 'ORDERS_INVALID',
      lines: ['3:duplicate', '4:issuerKeyId'],
    });
    expect(refusal('serial,orderId,paidUntil,issuerKeyId,paidAt\n0a,GH-1,2023-03-01,aabb,\n')).toEqual({ code: 'ORDERS_INVALID', lines: ['1:header'] });
  });

  const refusal = (text: string) => {
    try {
      parseOrdersCsv(text);
    } catch (error) {
      return { code: (error as CapbuError).code, lines: (error as CapbuError).details.lines };
    }
    throw new Error('accepted');
  };

  it('refuses the whole file, naming every bad row by line and code', () => {
    expect(
      refusal('serial,orderId,paidUntil,paidAt\n0a,GH-1,2023-03-01,\nzz,GH-2,2023-03-01,\n0b,,2023-03-01,\n0c,GH-3,01/03/2023,\n0d,GH-4,2023-03-01,yesterday\n0A,GH-5,2023-03-01,\n0e,GH-6\n'),
    ).toEqual({ code: 'ORDERS_INVALID', lines: ['3:serial', '4:orderId', '5:paidUntil', '6:paidAt', '7:duplicate', '8:columns'] });
    expect(refusal('serial,order,paidUntil\n0a,GH-1,2023-03-01\n')).toEqual({ code: 'ORDERS_INVALID', lines: ['1:header'] });
    expect(refusal('serial,orderId,paidUntil\n"0a,GH-1,2023-03-01\n')).toMatchObject({ code: 'ORDERS_INVALID' });
  });
});

describe('the supervisor override', () => {
  const keys = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const verifyKey = overrideVerifyKey(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const make = (signer = keys.privateKey, extra: Partial<{ campaign: string; serial: string; expiresAt: string }> = {}) => {
    const payload = overridePayload({ campaign: 'viettel-ca-2020', serial: 'a1b', reason: 'KH cần ký tờ khai gấp', issuedAt: '2020-03-20T01:00:00.000Z', expiresAt: '2020-03-21T01:00:00.000Z', ...extra });
    return overrideText(payload, sign(null, payload, signer));
  };
  const expectRefused = (fn: () => unknown, code: string, problem?: string) => {
    try {
      fn();
    } catch (error) {
      expect((error as CapbuError).code).toBe(code);
      if (problem) expect((error as CapbuError).details.problem).toBe(problem);
      return;
    }
    throw new Error('accepted');
  };
  const expected = { campaign: 'viettel-ca-2020', serial: 'a1b' };
  const now = new Date('2020-03-20T05:00:00Z');

  it('accepts one the key signed, for this campaign and certificate, before it expires', () => {
    expect(verifyOverride(make(), verifyKey, expected, now)).toMatchObject({ serial: 'a1b', reason: 'KH cần ký tờ khai gấp' });
    // The public key may also be given as base64 of its DER.
    const b64 = overrideVerifyKey(keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
    expect(verifyOverride(make(), b64, expected, now).serial).toBe('a1b');
  });

  it('refuses one signed by another key', () => expectRefused(() => verifyOverride(make(other.privateKey), verifyKey, expected, now), 'OVERRIDE_INVALID', 'signature'));

  it('refuses one whose payload was edited after signing', () => {
    const [prefix, , signature] = make().split('.');
    const edited = Buffer.from(JSON.stringify({ c: 'viettel-ca-2020', s: 'a1b', r: 'x', i: '2020-03-20T01:00:00.000Z', e: '2030-01-01T00:00:00.000Z' })).toString('base64url');
    expectRefused(() => verifyOverride(`${prefix}.${edited}.${signature}`, verifyKey, expected, now), 'OVERRIDE_INVALID', 'signature');
  });

  it('refuses one for another certificate or campaign', () => {
    expectRefused(() => verifyOverride(make(keys.privateKey, { serial: 'ffff' }), verifyKey, expected, now), 'OVERRIDE_INVALID', 'serial');
    expectRefused(() => verifyOverride(make(keys.privateKey, { campaign: 'other' }), verifyKey, expected, now), 'OVERRIDE_INVALID', 'campaign');
  });

  it('refuses an expired one', () => expectRefused(() => verifyOverride(make(), verifyKey, expected, new Date('2020-03-21T01:00:00Z')), 'OVERRIDE_EXPIRED'));

  it.each(['', 'CBO1', 'CBO1..', 'CBO2.a.b', 'CBO1.!!.??', 'hello world'])('refuses garbage %j', (text) => expectRefused(() => verifyOverride(text, verifyKey, expected, now), 'OVERRIDE_INVALID'));

  it('refuses a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expectRefused(() => overrideVerifyKey(rsa), 'OVERRIDE_KEY_INVALID');
    expectRefused(() => overrideVerifyKey('not a key'), 'OVERRIDE_KEY_INVALID');
  });
});
