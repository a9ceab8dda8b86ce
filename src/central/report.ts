/**
 * The campaigns' whole progress in one reply, for GET /v1/report and `capbu central report`: the
 * overview of every province (progress/), each campaign's share and rollout plan, and every
 * kiosk's journal as the centre holds it.
 */
import type { Campaign } from '../campaign/campaign.js';
import { campaignById, type CampaignSet } from '../campaign/campaigns.js';
import { zoneCalendar } from '../campaign/calendar.js';
import { CapbuError } from '../errors.js';
import type { CampaignLine, PlanReport, Report } from './api.js';
import { kioskLines, overview } from './progress/index.js';
import { planCountsPlan } from './progress/reads.js';
import { refreshStandings } from './progress/standing.js';
import { buildPlanReport, type PlanFigures } from './plan-report.js';
import type { CentralStore } from './storage/store.js';

/**
 * Which campaign an issuer key belongs to: the one whose old CA key it names. Rows from before
 * issuer keys ('') are the first campaign's, the single campaign there was.
 */
function ownerOf(campaigns: CampaignSet, issuerKeyId: string): Campaign | null {
  if (issuerKeyId === '') return campaigns.campaigns[0];
  return campaigns.campaigns.find((c) => c.oldCa.keyId === issuerKeyId) ?? null;
}

/** Progress against a campaign's rollout plan, over every province; null without a plan. */
function planOf(campaign: Campaign, figures: PlanFigures, now: Date): PlanReport | null {
  if (!campaign.plan) return null;
  return buildPlanReport({ ...campaign, plan: campaign.plan }, figures, zoneCalendar(campaign.timeZone).dateOf(now));
}

/** Each campaign's eligible certificates and renewals, from the plan's counts, told apart by their old CA key. */
async function campaignLines(store: CentralStore, campaigns: CampaignSet, shown: readonly Campaign[], now: Date): Promise<CampaignLine[]> {
  await refreshStandings(store, campaigns);
  const counts = await store.readProgress((sql) => planCountsPlan(sql, now));
  return shown.map((campaign) => {
    const eligible = new Map<string, number>();
    for (const k of counts.known) if (ownerOf(campaigns, k.issuerKeyId) === campaign) eligible.set(k.version, (eligible.get(k.version) ?? 0) + k.n);
    const renewed = counts.renewed.filter((r) => ownerOf(campaigns, r.issuerKeyId) === campaign);
    return {
      campaign: campaign.id,
      name: campaign.name,
      eligibleKnown: [...eligible.values()].reduce((a, b) => a + b, 0),
      renewed: renewed.reduce((a, r) => a + r.n, 0),
      plan: planOf(campaign, { eligible, renewed }, now),
    };
  });
}

/** One campaign's rollout plan figures, over its own certificates and renewals; null without a plan. */
export async function planReport(store: CentralStore, campaigns: CampaignSet, campaign: Campaign, now: Date): Promise<PlanReport | null> {
  return (await campaignLines(store, campaigns, [campaign], now))[0]!.plan;
}

/**
 * `only`: a campaign id, to show that campaign alone (CAMPAIGN_ID_UNKNOWN for one the set does not
 * hold). The overview's counts are over every campaign: they are kept per province, not per campaign.
 */
export async function buildReport(store: CentralStore, campaigns: CampaignSet, now: Date, only?: string): Promise<Report> {
  const chosen = only === undefined ? null : campaignById(campaigns, only);
  if (only !== undefined && !chosen) throw new CapbuError('CAMPAIGN_ID_UNKNOWN', { id: only, campaigns: campaigns.campaigns.map((c) => c.id) });
  const source = { store, campaigns };
  const figures = await overview(source, 'all', now);
  const lines = await campaignLines(store, campaigns, chosen ? [chosen] : campaigns.campaigns, now);
  // `plan` as before: the first planned campaign's (the one asked for, when it has a plan).
  const plan = lines.find((l) => l.plan)?.plan ?? null;
  return { ...figures, campaigns: lines, kiosks: await kioskLines(source, now), ...(plan && { plan }) };
}
