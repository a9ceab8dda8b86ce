/**
 * The rollout plan a campaign may carry: dated phases, each opening renewal for some token
 * hardware versions, with a target share renewed by its end (the 2020 notice rolled out v4 first,
 * then v2 and v5, then the rest). Pure: "today" is the caller's calendar date in the campaign's zone.
 */
import { CapbuError } from '../errors.js';
import { isCalendarDate, type CalendarDate } from './calendar.js';

/** Opens every version no earlier phase named (tokens whose version is unknown too). */
export const OTHER_VERSIONS = 'others';
/** A target over every version. */
export const ALL_VERSIONS = 'all';

export interface PlanPhase {
  readonly id: string;
  /** First and last day, inclusive, in the campaign's zone. */
  readonly from: CalendarDate;
  readonly to: CalendarDate;
  /** The versions renewal opens for on `from`, or OTHER_VERSIONS. */
  readonly opens: readonly string[] | typeof OTHER_VERSIONS;
  /** The share (0–1) of `targetVersions` renewed by `to`; null where the plan sets none. */
  readonly target: number | null;
  /** The versions the target counts, or ALL_VERSIONS; by default the ones this phase opens. */
  readonly targetVersions: readonly string[] | typeof ALL_VERSIONS | typeof OTHER_VERSIONS;
}

export interface RolloutPlan {
  readonly phases: readonly PlanPhase[];
}

/** A hardware version the campaign's registry or token does not name. */
export const UNKNOWN_VERSION = '-';

function invalid(field: string, problem: string): CapbuError {
  return new CapbuError('CAMPAIGN_INVALID', { field, problem });
}

function versionList(value: unknown, field: string, extra: readonly string[]): readonly string[] | string {
  if (typeof value === 'string' && extra.includes(value)) return value;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim() !== '' && v.length <= 40)) {
    throw invalid(field, 'not-a-version-list');
  }
  return value.map((v: string) => v.trim());
}

/** The `plan` of a campaign file, or null when it has none; refused whole on any bad field. */
export function parsePlan(raw: unknown): RolloutPlan | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('plan', 'not-object');
  const phases = (raw as { phases?: unknown }).phases;
  if (!Array.isArray(phases) || phases.length === 0) throw invalid('plan.phases', 'missing');
  const out: PlanPhase[] = [];
  const ids = new Set<string>();
  phases.forEach((p: unknown, i) => {
    const at = `plan.phases[${i}]`;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw invalid(at, 'not-object');
    const o = p as Record<string, unknown>;
    const id = typeof o.id === 'string' && o.id.trim() !== '' ? o.id.trim() : String(i + 1);
    if (ids.has(id)) throw invalid(`${at}.id`, 'duplicate');
    ids.add(id);
    for (const f of ['from', 'to'] as const) if (typeof o[f] !== 'string' || !isCalendarDate(o[f])) throw invalid(`${at}.${f}`, 'not-a-date');
    const from = o.from as CalendarDate;
    const to = o.to as CalendarDate;
    if (to < from) throw invalid(`${at}.to`, 'before-from');
    const previous = out.at(-1);
    if (previous && from <= previous.to) throw invalid(`${at}.from`, 'overlaps-previous');
    const opens = versionList(o.opens ?? [], `${at}.opens`, [OTHER_VERSIONS]) as PlanPhase['opens'];
    let target: number | null = null;
    if (o.target !== undefined && o.target !== null) {
      if (typeof o.target !== 'number' || !(o.target > 0 && o.target <= 1)) throw invalid(`${at}.target`, 'not-a-share');
      target = o.target;
    }
    const targetVersions = (o.targetVersions === undefined ? opens : versionList(o.targetVersions, `${at}.targetVersions`, [ALL_VERSIONS, OTHER_VERSIONS])) as PlanPhase['targetVersions'];
    out.push({ id, from, to, opens, target, targetVersions });
  });
  if (out.filter((p) => p.opens === OTHER_VERSIONS).length > 1) throw invalid('plan.phases', 'others-twice');
  return { phases: out };
}

/** The versions the plan names in an `opens` list. */
export function namedVersions(plan: RolloutPlan): Set<string> {
  return new Set(plan.phases.flatMap((p) => (p.opens === OTHER_VERSIONS ? [] : p.opens)));
}

/** The phase that opens renewal for a hardware version (null: unknown), or null when none does. */
export function openingPhase(plan: RolloutPlan, hardwareVersion: string | null): PlanPhase | null {
  const named = hardwareVersion !== null && namedVersions(plan).has(hardwareVersion);
  return (
    plan.phases.find((p) => (p.opens === OTHER_VERSIONS ? !named : hardwareVersion !== null && p.opens.includes(hardwareVersion))) ?? null
  );
}

/** Whether a phase's target counts a version. */
export function targetCounts(plan: RolloutPlan, phase: PlanPhase, hardwareVersion: string): boolean {
  const versions = phase.targetVersions;
  if (versions === ALL_VERSIONS) return true;
  if (versions === OTHER_VERSIONS) return !namedVersions(plan).has(hardwareVersion);
  return versions.includes(hardwareVersion);
}

/**
 * The version the rollout goes by: the registry's record of the token sold with the certificate
 * when it has one, else what the kiosk read from the token (the device catalogue's label).
 */
export function rolloutVersion(registryVersion: string | null | undefined, tokenVersion: string | null | undefined): string | null {
  return registryVersion?.trim() || tokenVersion?.trim() || null;
}
