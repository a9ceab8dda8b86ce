/** The eligibility decision for one end-entity certificate: every reason that applies, in order. */
import { calendarDateIn, endOfDay } from './calendar.js';
import type { Campaign } from './campaign.js';
import { campaignOf, type CampaignSet } from './campaigns.js';
import { isSignedBy, type CertificateFacts } from '../pki/certificate.js';
import type { SubscriberRecord } from './registry.js';

export const REASON_CODES = [
  'NOT_ISSUED_BY_OLD_CA',
  'ISSUED_ON_OR_AFTER_CUTOFF',
  'NOT_CAPPED',
  'UNKNOWN_SUBSCRIBER',
  'REVOKED',
  'SUSPENDED',
  'CONTRACT_NOT_BEYOND_CAP',
  'TAX_CODE_MISMATCH',
  'NO_PRIVATE_KEY',
  'NOTHING_LEFT_TO_GRANT',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export interface Decision {
  /** The campaign whose old CA key signed the certificate; null when none did. */
  readonly campaign: string | null;
  readonly eligible: boolean;
  readonly reasons: readonly ReasonCode[];
  /** The validity a renewal grants; null unless eligible. */
  readonly renewalNotAfter: Date | null;
}

export interface DecisionInput {
  readonly certificate: CertificateFacts;
  /** The registry row for the certificate's serial, or null when it has none. */
  readonly subscriber: SubscriberRecord | null;
  readonly hasPrivateKey: boolean;
}

export function issuedByOldCa(certificate: CertificateFacts, campaign: Campaign): boolean {
  return isSignedBy(certificate.der, campaign.oldCa.publicKey);
}

/** The earlier of the contract's last second and the new CA's own expiry. */
export function renewalNotAfter(subscriber: SubscriberRecord, campaign: Campaign): Date {
  const contract = endOfDay(subscriber.contractEnd, campaign.timeZone);
  const caEnd = campaign.newCa.facts.notAfter;
  return contract.getTime() < caEnd.getTime() ? contract : caEnd;
}

/** `issued`: whether the campaign's old CA key signed the certificate, when the caller checked already. */
export function decide(input: DecisionInput, campaign: Campaign, now: Date, issued = issuedByOldCa(input.certificate, campaign)): Decision {
  const { certificate, subscriber } = input;
  const zone = campaign.timeZone;
  const reasons: ReasonCode[] = [];
  if (!issued) reasons.push('NOT_ISSUED_BY_OLD_CA');
  if (calendarDateIn(certificate.notBefore, zone) >= campaign.issuedBefore) reasons.push('ISSUED_ON_OR_AFTER_CUTOFF');
  if (calendarDateIn(certificate.notAfter, zone) !== campaign.capDate) reasons.push('NOT_CAPPED');
  let grant: Date | null = null;
  if (!subscriber) {
    reasons.push('UNKNOWN_SUBSCRIBER');
  } else {
    if (subscriber.status === 'revoked') reasons.push('REVOKED');
    if (subscriber.status === 'suspended') reasons.push('SUSPENDED');
    if (subscriber.contractEnd <= campaign.capDate) reasons.push('CONTRACT_NOT_BEYOND_CAP');
    if (certificate.taxCode !== null && certificate.taxCode !== subscriber.taxCode) reasons.push('TAX_CODE_MISMATCH');
    grant = renewalNotAfter(subscriber, campaign);
  }
  if (!input.hasPrivateKey) reasons.push('NO_PRIVATE_KEY');
  if (grant && grant.getTime() <= now.getTime()) reasons.push('NOTHING_LEFT_TO_GRANT');
  const eligible = reasons.length === 0;
  return { campaign: issued ? campaign.id : null, eligible, reasons, renewalNotAfter: eligible ? grant : null };
}

/**
 * The decision against the campaign whose old CA key signed the certificate. One that none of
 * them signed is judged by the first campaign's dates, as a single campaign judged it before.
 */
export function decideAmong(input: DecisionInput, campaigns: CampaignSet, now: Date): Decision {
  const found = campaignOf(campaigns, input.certificate);
  return decide(input, found ?? campaigns.campaigns[0], now, found !== null);
}
