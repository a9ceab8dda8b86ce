/** The eligibility decision for one end-entity certificate: every reason that applies, in order. */
import { endOfDay, zoneCalendar, type CalendarDate, type ZoneCalendar } from './calendar.js';
import type { Campaign } from './campaign.js';
import { campaignOf, type CampaignSet } from './campaigns.js';
import { openingPhase, rolloutVersion } from './plan.js';
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
  /** The campaign's plan has not yet opened renewal for the token's hardware version. */
  'ROLLOUT_NOT_OPEN',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/** Said with an eligible decision; never a refusal. */
export const WARNING_CODES = [
  /** The new CA ends before the paid extension: the days past it cannot be issued. */
  'PAID_PERIOD_CAPPED',
] as const;

export type WarningCode = (typeof WARNING_CODES)[number];

/** What a renewal grants, in its two parts: free compensation, and the paid order's days. */
export interface Grant {
  /** The contract's end, capped by the new CA. */
  readonly compensationNotAfter: Date;
  /** Calendar days from the cap date to compensationNotAfter, in the campaign's zone. */
  readonly compensationDays: number;
  readonly paid: {
    readonly orderId: string;
    readonly paidUntil: CalendarDate;
    /** Days the order adds past the compensation (0 when the contract already covers it). */
    readonly days: number;
    /** Days paid for that the new CA's end cuts off. */
    readonly cappedDays: number;
  } | null;
}

/** Where the rollout plan stands for the certificate's token. */
export interface RolloutState {
  readonly hardwareVersion: string | null;
  /** The day renewal opens (opened) for that version; null when the plan opens it on no day. */
  readonly opensOn: CalendarDate | null;
  /** Not yet open, but a supervisor's override lets it through. */
  readonly overridden: boolean;
}

export interface Decision {
  /** The campaign whose old CA key signed the certificate; null when none did. */
  readonly campaign: string | null;
  readonly eligible: boolean;
  readonly reasons: readonly ReasonCode[];
  /** The validity a renewal grants; null unless eligible. */
  readonly renewalNotAfter: Date | null;
  readonly warnings: readonly WarningCode[];
  /** The two parts of renewalNotAfter; null unless eligible. */
  readonly grant: Grant | null;
  /** Null when the campaign has no plan. */
  readonly rollout: RolloutState | null;
}

export interface DecisionInput {
  readonly certificate: CertificateFacts;
  /** The registry row for the certificate's serial, or null when it has none. */
  readonly subscriber: SubscriberRecord | null;
  readonly hasPrivateKey: boolean;
  /** The token's hardware version as the kiosk read it; the registry's, when it has one, goes first. */
  readonly tokenHardwareVersion?: string | null;
  /** A supervisor's override for this certificate, already verified (override.ts). */
  readonly rolloutOverride?: boolean;
}

export function issuedByOldCa(certificate: CertificateFacts, campaign: Campaign): boolean {
  return isSignedBy(certificate.der, campaign.oldCa.publicKey);
}

const earlier = (a: Date, b: Date): Date => (a.getTime() < b.getTime() ? a : b);
const DAY_MS = 86_400_000;
const dayNumber = (date: CalendarDate): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;

/** Calendar days from one date to a later one. */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * The later of the contract's last second and the paid extension's, never past the new CA's own
 * expiry; and how that splits between compensation and the paid order.
 */
export function grantFor(
  subscriber: SubscriberRecord,
  campaign: Campaign,
  calendar = zoneCalendar(campaign.timeZone),
): { notAfter: Date; grant: Grant; warnings: WarningCode[] } {
  const caEnd = campaign.newCa.facts.notAfter;
  const compensation = earlier(endOfDay(subscriber.contractEnd, calendar), caEnd);
  const compensationDays = Math.max(0, daysBetween(campaign.capDate, calendar.dateOf(compensation)));
  const order = subscriber.paidOrder ?? null;
  if (!order) return { notAfter: compensation, grant: { compensationNotAfter: compensation, compensationDays, paid: null }, warnings: [] };
  const paidEnd = endOfDay(order.paidUntil, calendar);
  const notAfter = paidEnd.getTime() > compensation.getTime() ? earlier(paidEnd, caEnd) : compensation;
  const capped = paidEnd.getTime() > caEnd.getTime();
  const lastDay = calendar.dateOf(notAfter);
  return {
    notAfter,
    grant: {
      compensationNotAfter: compensation,
      compensationDays,
      paid: {
        orderId: order.orderId,
        paidUntil: order.paidUntil,
        days: daysBetween(calendar.dateOf(compensation), lastDay),
        cappedDays: capped ? daysBetween(lastDay, order.paidUntil) : 0,
      },
    },
    warnings: capped ? ['PAID_PERIOD_CAPPED'] : [],
  };
}

/** The earlier of the contract's last second (or the paid extension's) and the new CA's own expiry. */
export function renewalNotAfter(subscriber: SubscriberRecord, campaign: Campaign, calendar = zoneCalendar(campaign.timeZone)): Date {
  return grantFor(subscriber, campaign, calendar).notAfter;
}

/** Where the plan stands for this certificate's token on `today`; null without a plan. */
export function rolloutState(input: DecisionInput, campaign: Campaign, today: CalendarDate): RolloutState | null {
  if (!campaign.plan) return null;
  const hardwareVersion = rolloutVersion(input.subscriber?.hardwareVersion, input.tokenHardwareVersion);
  const opensOn = openingPhase(campaign.plan, hardwareVersion)?.from ?? null;
  const open = opensOn !== null && today >= opensOn;
  return { hardwareVersion, opensOn, overridden: !open && input.rolloutOverride === true };
}

/**
 * `calendar` is the campaign's zone; a caller deciding many certificates passes one it keeps.
 * `issued`: whether the campaign's old CA key signed the certificate, when the caller checked already.
 */
export function decide(
  input: DecisionInput,
  campaign: Campaign,
  now: Date,
  calendar = zoneCalendar(campaign.timeZone),
  issued = issuedByOldCa(input.certificate, campaign),
): Decision {
  const { certificate, subscriber } = input;
  const reasons: ReasonCode[] = [];
  if (!issued) reasons.push('NOT_ISSUED_BY_OLD_CA');
  if (calendar.dateOf(certificate.notBefore) >= campaign.issuedBefore) reasons.push('ISSUED_ON_OR_AFTER_CUTOFF');
  if (calendar.dateOf(certificate.notAfter) !== campaign.capDate) reasons.push('NOT_CAPPED');
  let granted: ReturnType<typeof grantFor> | null = null;
  if (!subscriber) {
    reasons.push('UNKNOWN_SUBSCRIBER');
  } else {
    if (subscriber.status === 'revoked') reasons.push('REVOKED');
    if (subscriber.status === 'suspended') reasons.push('SUSPENDED');
    if (subscriber.contractEnd <= campaign.capDate) reasons.push('CONTRACT_NOT_BEYOND_CAP');
    if (certificate.taxCode !== null && certificate.taxCode !== subscriber.taxCode) reasons.push('TAX_CODE_MISMATCH');
    granted = grantFor(subscriber, campaign, calendar);
  }
  if (!input.hasPrivateKey) reasons.push('NO_PRIVATE_KEY');
  if (granted && granted.notAfter.getTime() <= now.getTime()) reasons.push('NOTHING_LEFT_TO_GRANT');
  const today = calendar.dateOf(now);
  const rollout = rolloutState(input, campaign, today);
  if (rollout && !rollout.overridden && (rollout.opensOn === null || today < rollout.opensOn)) reasons.push('ROLLOUT_NOT_OPEN');
  const eligible = reasons.length === 0;
  return {
    campaign: issued ? campaign.id : null,
    eligible,
    reasons,
    renewalNotAfter: eligible ? granted!.notAfter : null,
    warnings: eligible ? granted!.warnings : [],
    grant: eligible ? granted!.grant : null,
    rollout,
  };
}

/**
 * The decision against the campaign whose old CA key signed the certificate. One that none of
 * them signed is judged by the first campaign's dates, as a single campaign judged it before.
 * `calendarOf` gives a campaign's calendar, for a caller that keeps one per zone; `found`, the
 * certificate's campaign (campaignOf), for a caller that needed it first to find the registry row.
 */
export function decideAmong(
  input: DecisionInput,
  campaigns: CampaignSet,
  now: Date,
  calendarOf: (campaign: Campaign) => ZoneCalendar = (c) => zoneCalendar(c.timeZone),
  found: Campaign | null = campaignOf(campaigns, input.certificate),
): Decision {
  const campaign = found ?? campaigns.campaigns[0];
  return decide(input, campaign, now, calendarOf(campaign), found !== null);
}
