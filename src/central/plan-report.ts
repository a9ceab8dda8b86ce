/**
 * The report's rollout section: per phase of the campaign's plan and per hardware version, how
 * many eligible certificates the centre knows of, how many were renewed by the phase's end (or
 * today), the share, the target, the days left and whether the pace keeps to the target; and per
 * phase the share customers renewed themselves (the notice's phase 1 was run to measure it).
 */
import { daysBetween } from '../campaign/decide.js';
import type { Campaign } from '../campaign/campaign.js';
import type { CalendarDate } from '../campaign/calendar.js';
import { ALL_VERSIONS, OTHER_VERSIONS, namedVersions, rolloutVersion, targetCounts, UNKNOWN_VERSION, type PlanPhase, type RolloutPlan } from '../campaign/plan.js';
import type { PlanPhaseLine, PlanReport } from './api.js';
import type { RenewalByVersion } from './storage/store.js';

/** An eligible certificate the centre knows of, with the registry's hardware version for it. */
export interface KnownEligible {
  readonly serial: string;
  readonly hardwareVersion: string | null;
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

export function buildPlanReport(
  campaign: Campaign & { readonly plan: RolloutPlan },
  known: readonly KnownEligible[],
  renewals: readonly RenewalByVersion[],
  today: CalendarDate,
): PlanReport {
  const plan = campaign.plan;
  const registryVersion = new Map(known.map((k) => [k.serial, k.hardwareVersion]));
  const versionOf = (serial: string, token: string | null) => rolloutVersion(registryVersion.get(serial), token) ?? UNKNOWN_VERSION;
  const renewedBy = renewals.map((r) => ({ ...r, version: versionOf(r.oldSerial, r.hardwareVersion) }));
  const renewedVersion = new Map(renewedBy.map((r) => [r.oldSerial, r.version]));
  const eligible = new Map<string, number>();
  for (const k of known) {
    const v = rolloutVersion(k.hardwareVersion, null) ?? renewedVersion.get(k.serial) ?? UNKNOWN_VERSION;
    eligible.set(v, (eligible.get(v) ?? 0) + 1);
  }
  const seen = [...new Set([...eligible.keys(), ...renewedBy.map((r) => r.version)])].sort();
  const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
  const phases: PlanPhaseLine[] = plan.phases.map((phase) => {
    const until = today < phase.to ? today : phase.to;
    const inPhase = renewedBy.filter((r) => r.day >= phase.from && r.day <= until);
    const self = inPhase.filter((r) => r.channel === 'self').length;
    const versions = phaseVersions(plan, phase, seen).map((hardwareVersion) => {
      const eligibleKnown = eligible.get(hardwareVersion) ?? 0;
      const renewed = renewedBy.filter((r) => r.version === hardwareVersion && r.day <= until).length;
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
      renewed: inPhase.length,
      selfService: self,
      selfServiceShare: share(self, inPhase.length),
    };
  });
  const self = renewedBy.filter((r) => r.channel === 'self').length;
  return { today, phases, selfServiceShare: share(self, renewedBy.length) };
}
