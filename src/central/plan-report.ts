/**
 * The report's rollout section: per phase of the campaign's plan and per hardware version, how
 * many eligible certificates the centre knows of, how many were renewed by the phase's end (or
 * today), the share, the target, the days left and whether the pace keeps to the target; and per
 * phase the share customers renewed themselves (the notice's phase 1 was run to measure it).
 */
import { daysBetween } from '../campaign/decide.js';
import type { Campaign } from '../campaign/campaign.js';
import type { CalendarDate } from '../campaign/calendar.js';
import { ALL_VERSIONS, OTHER_VERSIONS, namedVersions, targetCounts, type PlanPhase, type RolloutPlan } from '../campaign/plan.js';
import type { PlanPhaseLine, PlanReport } from './api.js';

/**
 * A campaign's counts as the plan reads them (progress/reads.ts PlanCounts, its own issuer keys'
 * summed), by the hardware version the plan goes by: the registry's, else the renewed token's.
 */
export interface PlanFigures {
  /** Eligible certificates the centre knows of (renewed, or their grant not ended), per version. */
  readonly eligible: ReadonlyMap<string, number>;
  readonly renewed: readonly { readonly version: string; readonly day: CalendarDate; readonly channel: string; readonly n: number }[];
}

/** The versions a phase's lines show: those it opens and those its target counts, among those seen. */
function phaseVersions(plan: RolloutPlan, phase: PlanPhase, seen: readonly string[]): string[] {
  const named = namedVersions(plan);
  const pick = (list: PlanPhase['opens'] | PlanPhase['targetVersions']): string[] => {
    if (list === ALL_VERSIONS) return [...seen];
    if (list === OTHER_VERSIONS) return seen.filter((v) => !named.has(v));
    return [...list];
  };
  return [...new Set([...pick(phase.opens), ...(phase.target === null ? [] : pick(phase.targetVersions))])].sort();
}

/** On track: ahead of a straight line from nothing on the first day to the target on the last. */
function onTrack(share: number | null, target: number | null, phase: PlanPhase, today: CalendarDate): boolean | null {
  if (share === null || target === null || today < phase.from) return null;
  if (today > phase.to) return share >= target;
  const elapsed = (daysBetween(phase.from, today) + 1) / (daysBetween(phase.from, phase.to) + 1);
  return share >= target * elapsed;
}

type Renewed = PlanFigures['renewed'][number];
const sum = (rows: readonly Renewed[]) => rows.reduce((total, r) => total + r.n, 0);

export function buildPlanReport(campaign: Campaign & { readonly plan: RolloutPlan }, figures: PlanFigures, today: CalendarDate): PlanReport {
  const plan = campaign.plan;
  const { eligible, renewed: renewedBy } = figures;
  const seen = [...new Set([...eligible.keys(), ...renewedBy.map((r) => r.version)])].sort();
  const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
  const phases: PlanPhaseLine[] = plan.phases.map((phase) => {
    const until = today < phase.to ? today : phase.to;
    const inPhase = renewedBy.filter((r) => r.day >= phase.from && r.day <= until);
    const self = sum(inPhase.filter((r) => r.channel === 'self'));
    const versions = phaseVersions(plan, phase, seen).map((hardwareVersion) => {
      const eligibleKnown = eligible.get(hardwareVersion) ?? 0;
      const renewed = sum(renewedBy.filter((r) => r.version === hardwareVersion && r.day <= until));
      const target = phase.target !== null && targetCounts(plan, phase, hardwareVersion) ? phase.target : null;
      const s = share(renewed, eligibleKnown);
      return {
        hardwareVersion,
        opens: phase.opens === OTHER_VERSIONS ? !namedVersions(plan).has(hardwareVersion) : phase.opens.includes(hardwareVersion),
        eligibleKnown,
        renewed,
        share: s,
        target,
        onTrack: onTrack(s, target, phase, today),
      };
    });
    return {
      id: phase.id,
      from: phase.from,
      to: phase.to,
      status: today < phase.from ? 'upcoming' : today > phase.to ? 'ended' : 'open',
      // Today counts: a phase ending today has one day left.
      daysLeft: today > phase.to ? 0 : daysBetween(today < phase.from ? phase.from : today, phase.to) + 1,
      target: phase.target,
      versions,
      renewed: sum(inPhase),
      selfService: self,
      selfServiceShare: share(self, sum(inPhase)),
    };
  });
  return { today, phases, selfServiceShare: share(sum(renewedBy.filter((r) => r.channel === 'self')), sum(renewedBy)) };
}
