/**
 * decide() as a table, in process and in milliseconds: fixed UTC instants on each side of the
 * campaign's local midnights (Hanoi is UTC+7), so a rule change is tested without a token.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CalendarDate } from '../src/campaign/calendar.js';
import { buildCampaign, type Campaign } from '../src/campaign/campaign.js';
import { parseCaCertificate } from '../src/pki/ca-certificate.js';
import { decide, type ReasonCode } from '../src/campaign/decide.js';
import type { SubscriberRecord } from '../src/campaign/registry.js';
import { CAMPAIGN_2020, CAP_2020, PKI_2020 } from '../src/demo/campaign-2020.js';
import { buildPki, EC_ALG, generateKeys, issueSubscriber, spkiOf, type Authority } from '../src/demo/pki.js';
import { parseCertificate, type CertificateFacts } from '../src/pki/certificate.js';

const NEW_CA_END = PKI_2020.newCaNotAfter;

let campaign: Campaign;
let fromOldCa: CertificateFacts;
let fromOtherCa: CertificateFacts;

const caOf = (authority: Authority) => parseCaCertificate(new Uint8Array(authority.certificate.rawData), 'test');

beforeAll(async () => {
  const pki = await buildPki(PKI_2020);
  campaign = buildCampaign({ ...CAMPAIGN_2020, oldCa: 'old', newCa: 'new' }, caOf(pki.oldCa), caOf(pki.newCa));
  const spki = await spkiOf((await generateKeys(EC_ALG)).publicKey);
  const params = { subject: { commonName: 'Công ty A', taxCode: '0100000001' }, spki, notBefore: new Date('2018-03-01T02:00:00Z'), notAfter: CAP_2020 };
  fromOldCa = parseCertificate(new Uint8Array((await issueSubscriber(pki.oldCa, params)).rawData));
  fromOtherCa = parseCertificate(new Uint8Array((await issueSubscriber(pki.otherCa, params)).rawData));
});

interface Row {
  readonly name: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly otherCa?: boolean;
  readonly taxCode?: string | null;
  /** Over the eligible subscriber; null: not in the registry. */
  readonly subscriber?: Partial<SubscriberRecord> | null;
  readonly hasPrivateKey?: boolean;
  readonly now?: string;
  readonly zone?: string;
  readonly reasons: readonly ReasonCode[];
  readonly grant?: string;
}

const ROWS: readonly Row[] = [
  { name: 'the plain eligible case', reasons: [], grant: '2022-03-01T16:59:59.000Z' },
  // The cutoff 2019-07-17 is Hanoi's midnight, 2019-07-16T17:00Z.
  { name: 'issued the last second before the cutoff, Hanoi time', notBefore: '2019-07-16T16:59:59Z', reasons: [] },
  { name: 'issued at the cutoff, Hanoi time', notBefore: '2019-07-16T17:00:00Z', reasons: ['ISSUED_ON_OR_AFTER_CUTOFF'] },
  { name: 'the same instant in a UTC campaign is the day before the cutoff', notBefore: '2019-07-16T17:00:00Z', zone: 'UTC', reasons: [] },
  // Capped: notAfter on 2020-10-02 in Hanoi, from 2020-10-01T17:00Z to 2020-10-02T16:59:59Z.
  { name: 'ends at the first second of the cap date', notAfter: '2020-10-01T17:00:00Z', reasons: [] },
  { name: 'ends at the last second of the cap date', notAfter: '2020-10-02T16:59:59Z', reasons: [] },
  { name: 'ends the second before the cap date', notAfter: '2020-10-01T16:59:59Z', reasons: ['NOT_CAPPED'] },
  { name: 'ends the second after the cap date', notAfter: '2020-10-02T17:00:00Z', reasons: ['NOT_CAPPED'] },
  { name: 'the cap date in UTC is not the cap date in Hanoi', notAfter: '2020-10-01T17:00:00Z', zone: 'UTC', reasons: ['NOT_CAPPED'] },
  { name: 'another CA', otherCa: true, reasons: ['NOT_ISSUED_BY_OLD_CA'] },
  { name: 'not in the registry', subscriber: null, reasons: ['UNKNOWN_SUBSCRIBER'] },
  { name: 'revoked', subscriber: { status: 'revoked' }, reasons: ['REVOKED'] },
  { name: 'suspended', subscriber: { status: 'suspended' }, reasons: ['SUSPENDED'] },
  { name: 'contract ends on the cap date', subscriber: { contractEnd: '2020-10-02' as CalendarDate }, reasons: ['CONTRACT_NOT_BEYOND_CAP'] },
  { name: 'contract ends the day after the cap date', subscriber: { contractEnd: '2020-10-03' as CalendarDate }, now: '2020-06-01T03:00:00Z', reasons: [], grant: '2020-10-03T16:59:59.000Z' },
  { name: 'another tax code', subscriber: { taxCode: '0100000009' }, reasons: ['TAX_CODE_MISMATCH'] },
  { name: 'a certificate with no tax code is not a mismatch', taxCode: null, subscriber: { taxCode: '0100000009' }, reasons: [] },
  { name: 'no private key', hasPrivateKey: false, reasons: ['NO_PRIVATE_KEY'] },
  { name: 'contract beyond the new CA: granted to the new CA\'s end', subscriber: { contractEnd: '2030-01-01' as CalendarDate }, reasons: [], grant: NEW_CA_END.toISOString() },
  // Nothing left: the grant (end of the contract's day, Hanoi) is not after now.
  { name: 'one second of the contract left', now: '2022-03-01T16:59:58Z', reasons: [], grant: '2022-03-01T16:59:59.000Z' },
  { name: 'at the contract\'s last second', now: '2022-03-01T16:59:59Z', reasons: ['NOTHING_LEFT_TO_GRANT'] },
  { name: 'every reason at once, in order', otherCa: true, notBefore: '2019-08-01T00:00:00Z', notAfter: '2021-01-01T00:00:00Z', subscriber: { status: 'revoked', contractEnd: '2020-01-01' as CalendarDate, taxCode: '0100000009' }, hasPrivateKey: false, now: '2021-01-01T00:00:00Z', reasons: ['NOT_ISSUED_BY_OLD_CA', 'ISSUED_ON_OR_AFTER_CUTOFF', 'NOT_CAPPED', 'REVOKED', 'CONTRACT_NOT_BEYOND_CAP', 'TAX_CODE_MISMATCH', 'NO_PRIVATE_KEY', 'NOTHING_LEFT_TO_GRANT'] },
];

describe('decide', () => {
  it.each(ROWS)('$name', (row) => {
    const base = row.otherCa ? fromOtherCa : fromOldCa;
    const certificate: CertificateFacts = {
      ...base,
      notBefore: new Date(row.notBefore ?? '2018-03-01T02:00:00Z'),
      notAfter: new Date(row.notAfter ?? CAP_2020.toISOString()),
      taxCode: row.taxCode === undefined ? '0100000001' : row.taxCode,
    };
    const eligible: SubscriberRecord = { serial: base.serial, taxCode: '0100000001', contractEnd: '2022-03-01' as CalendarDate, status: 'active', province: 'HN' };
    const subscriber = row.subscriber === null ? null : { ...eligible, ...row.subscriber };
    const inZone = row.zone ? { ...campaign, timeZone: row.zone } : campaign;
    const decision = decide({ certificate, subscriber, hasPrivateKey: row.hasPrivateKey ?? true }, inZone, new Date(row.now ?? '2020-06-01T03:00:00Z'));
    expect(decision.reasons).toEqual(row.reasons);
    expect(decision.eligible).toBe(row.reasons.length === 0);
    if (decision.eligible && row.grant) expect(decision.renewalNotAfter?.toISOString()).toBe(row.grant);
    if (!decision.eligible) expect(decision.renewalNotAfter).toBeNull();
  });
});
