/**
 * From what the core knows to what the screens show: plain data, dates as ISO UTC (the views put
 * them in the campaign's zone). No rule is decided here; each fact is copied from the core's answer.
 */
import type { Campaign } from '../../campaign/campaign.js';
import type { CampaignSet } from '../../campaign/campaigns.js';
import type { Inspection } from '../../inspection/inspect.js';
import { isoUtc } from '../../inspection/json.js';
import type { RenewalRecord } from '../../store/renewals.js';
import type { CampaignView, CertificateView, GrantView, PinView, TokenView } from '../model.js';
import type { Grant } from '../../campaign/decide.js';

/** What the kiosk's own store adds to a token's inspection. */
export interface KioskFacts {
  readonly hardwareVersion: string | null;
  readonly pin: PinView;
  /** The renewal this kiosk started for a certificate on this token, if any. */
  readonly renewal: RenewalRecord | null;
  readonly supportLine?: string;
}

export function campaignView(campaign: Campaign, supportLine?: string): CampaignView {
  return {
    id: campaign.id,
    name: campaign.name,
    capDate: campaign.capDate,
    issuedBefore: campaign.issuedBefore,
    timeZone: campaign.timeZone,
    newCaNotAfter: isoUtc(campaign.newCa.facts.notAfter),
    ...(supportLine !== undefined && { supportLine }),
  };
}

export function grantView(grant: Grant | null): GrantView | null {
  return grant && { compensationDays: grant.compensationDays, compensationNotAfter: isoUtc(grant.compensationNotAfter), paid: grant.paid };
}

/** The value of the first CN in an RFC 4514 name, unescaped. */
export function commonNameOf(subject: string): string | null {
  const match = /(?:^|,)CN=((?:\\.|[^,\\])*)/.exec(subject);
  return match ? match[1]!.replace(/\\(.)/g, '$1') : null;
}

export function tokenView(inspection: Inspection, campaigns: CampaignSet, facts: KioskFacts): TokenView {
  const { token } = inspection;
  const renewal = facts.renewal;
  const certificates: CertificateView[] = inspection.certificates.map((c) => ({
    serial: c.facts.serial,
    subject: c.facts.subject,
    commonName: commonNameOf(c.facts.subject),
    role: c.role,
    notBefore: isoUtc(c.facts.notBefore),
    notAfter: isoUtc(c.facts.notAfter),
    decision: c.decision && {
      campaign: c.decision.campaign,
      eligible: c.decision.eligible,
      reasons: [...c.decision.reasons],
      renewalNotAfter: c.decision.renewalNotAfter ? isoUtc(c.decision.renewalNotAfter) : null,
      parts: grantView(c.decision.grant),
      warnings: [...c.decision.warnings],
      rollout: c.decision.rollout,
    },
    judgedBy: c.judgedBy && campaignView(c.judgedBy),
    contractEnd: c.subscriber?.contractEnd ?? null,
    taxCode: c.facts.taxCode ?? null,
    registryTaxCode: c.subscriber?.taxCode ?? null,
    renewed: c.renewed && { oldSerial: c.renewed.oldSerial, at: isoUtc(c.renewed.at) },
  }));
  const subscriber = inspection.candidate ?? inspection.certificates.find((c) => c.role === 'end-entity') ?? null;
  return {
    key: token.serial,
    label: token.label,
    serial: token.serial,
    manufacturer: token.manufacturer,
    model: token.model,
    hardwareVersion: facts.hardwareVersion,
    company: subscriber ? commonNameOf(subscriber.facts.subject) : null,
    taxCode: subscriber?.facts.taxCode ?? null,
    pin: facts.pin,
    certificates,
    candidate: inspection.candidate?.facts.serial ?? null,
    unfinished: !renewal || renewal.state === 'done' ? null : renewal.state === 'queued' || renewal.state === 'issued' ? renewal.state : 'interrupted',
    campaign: campaignView(campaigns.campaigns[0], facts.supportLine),
  };
}
