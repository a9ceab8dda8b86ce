/** The eligibility decision for one end-entity certificate: every reason that applies, in order. */
import { endOfDay, zoneCalendar, type ZoneCalendar } from './calendar.js';
import type { Campaign } from './campaign.js';
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
export function renewalNotAfter(subscriber: SubscriberRecord, campaign: Campaign, calendar: ZoneCalendar): Date {
  const contract = endOfDay(subscriber.contractEnd, calendar);
  const caEnd = campaign.newCa.facts.notAfter;
  return contract.getTime() < caEnd.getTime() ? contract : caEnd;
}

/** `calendar` is the campaign's zone; a caller deciding many certificates passes one it keeps. */
export function decide(input: DecisionInput, campaign: Campaign, now: Date, calendar = zoneCalendar(campaign.timeZone)): Decision {
  const { certificate, subscriber } = input;
  const reasons: ReasonCode[] = [];
  if (!issuedByOldCa(certificate, campaign)) reasons.push('NOT_ISSUED_BY_OLD_CA');
  if (calendar.dateOf(certificate.notBefore) >= campaign.issuedBefore) reasons.push('ISSUED_ON_OR_AFTER_CUTOFF');
  if (calendar.dateOf(certificate.notAfter) !== campaign.capDate) reasons.push('NOT_CAPPED');
  let grant: Date | null = null;
  if (!subscriber) {
    reasons.push('UNKNOWN_SUBSCRIBER');
  } else {
    if (subscriber.status === 'revoked') reasons.push('REVOKED');
    if (subscriber.status === 'suspended') reasons.push('SUSPENDED');
    if (subscriber.contractEnd <= campaign.capDate) reasons.push('CONTRACT_NOT_BEYOND_CAP');
    if (certificate.taxCode !== null && certificate.taxCode !== subscriber.taxCode) reasons.push('TAX_CODE_MISMATCH');
    grant = renewalNotAfter(subscriber, campaign, calendar);
  }
  if (!input.hasPrivateKey) reasons.push('NO_PRIVATE_KEY');
  if (grant && grant.getTime() <= now.getTime()) reasons.push('NOTHING_LEFT_TO_GRANT');
  const eligible = reasons.length === 0;
  return { eligible, reasons, renewalNotAfter: eligible ? grant : null };
}
