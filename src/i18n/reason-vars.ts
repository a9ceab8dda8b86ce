/**
 * What a reason's sentence may say about a certificate — its dates and the registry's — put in
 * people's terms. Both front-ends (capbu check's report, the kiosk's verdict screen) word the
 * reasons from the one `reasons` catalogue section with these values.
 */
import { calendarDate, dateFor } from './dates.js';
import type { Vars } from './message.js';

export interface ReasonFacts {
  readonly serial: string;
  readonly notBefore: Date | string;
  readonly notAfter: Date | string;
  /** The registry's contract end, a calendar date (yyyy-mm-dd), when known. */
  readonly contractEnd: string | null;
  readonly certificateTaxCode: string | null;
  readonly registryTaxCode: string | null;
  /** Where the rollout plan stands for the token (ROLLOUT_NOT_OPEN's sentence). */
  readonly rollout?: { readonly hardwareVersion: string | null; readonly opensOn: string | null } | null;
  /** What the kiosk tells a customer to call. */
  readonly supportLine?: string;
}

/** The campaign's dates the sentences compare against. */
export interface CampaignDates {
  readonly capDate: string;
  readonly issuedBefore: string;
  readonly timeZone: string;
}

export function reasonVars(facts: ReasonFacts, campaign: CampaignDates): Vars {
  const zone = campaign.timeZone;
  return {
    serial: facts.serial,
    notBefore: dateFor(facts.notBefore, zone),
    notAfter: dateFor(facts.notAfter, zone),
    capDate: calendarDate(campaign.capDate),
    issuedBefore: calendarDate(campaign.issuedBefore),
    contractEnd: facts.contractEnd === null ? undefined : calendarDate(facts.contractEnd),
    certificateTaxCode: facts.certificateTaxCode ?? undefined,
    registryTaxCode: facts.registryTaxCode ?? undefined,
    hardwareVersion: facts.rollout?.hardwareVersion ?? '',
    opensOn: facts.rollout?.opensOn ? calendarDate(facts.rollout.opensOn) : '',
    supportLine: facts.supportLine ?? '',
  };
}
