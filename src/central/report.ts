/**
 * The campaign's whole progress in one reply, for GET /v1/report and `capbu central report`: the
 * overview of every province (progress/) and every kiosk's journal as the centre holds it.
 */
import type { Campaign } from '../campaign/campaign.js';
import { zoneCalendar } from '../campaign/calendar.js';
import type { PlanReport, Report } from './api.js';
import { kioskLines, overview } from './progress/index.js';
import { buildPlanReport } from './plan-report.js';
import type { CentralStore } from './storage/store.js';

/** Progress against the campaign's rollout plan, over every province; null without a plan. */
export async function planReport(store: CentralStore, campaign: Campaign, now: Date): Promise<PlanReport | null> {
  if (!campaign.plan) return null;
  return buildPlanReport({ ...campaign, plan: campaign.plan }, await store.knownEligible(now.toISOString()), await store.renewalsByVersion(), zoneCalendar(campaign.timeZone).dateOf(now));
}

export async function buildReport(store: CentralStore, campaign: Campaign, now: Date): Promise<Report> {
  const source = { store, campaign };
  const figures = await overview(source, 'all', now);
  const plan = await planReport(store, campaign, now);
  return { ...figures, kiosks: await kioskLines(source, now), ...(plan && { plan }) };
}
