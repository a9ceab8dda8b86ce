/**
 * Keeping the progress counts (migration 4) in step with what they count, written once for both
 * databases as plans of SQL commands (event-chain.ts's way), each run inside the transaction of
 * the write it follows: a renewal stored, a kiosk's decision, a registry row changed, and the
 * deciding of certificates whose standing is pending. A count is never recomputed from the
 * tables it counts, so the report reads a few hundred rows whatever the size of the campaign.
 */
import { rolloutVersion, UNKNOWN_VERSION } from '../../campaign/plan.js';
import type { SubscriberRecord } from '../../campaign/registry.js';
import type { Command, Row } from '../../sql/migrate.js';
import { subscriberFromRow } from './rows.js';
import type { ManyName, Scope, ScopedName, Statements } from './statements.js';
import type { IssuedRenewal } from './store.js';

/** Certificates decided per transaction: long enough to be quick, short enough not to hold writers up. */
export const STANDINGS_BATCH = 2000;

/** Counted where the registry gives no province. */
export const NO_PROVINCE = '-';

/** What a known certificate counts as: eligible (until when) or not, renewed or not, where. */
export interface Standing {
  readonly province: string;
  /**
   * The window in which the certificate is eligible (ISO times, from inclusive: the rollout
   * plan's opening for its token; until exclusive: the end of what a renewal grants); both null
   * when it never is, and once renewed.
   */
  readonly eligibleFrom: string | null;
  readonly eligibleUntil: string | null;
  readonly renewed: boolean;
}

/** A certificate whose standing is to be decided, with what it is decided on. */
export interface PendingCertificate {
  readonly serial: string;
  readonly der: Uint8Array;
  readonly subscriber: SubscriberRecord | null;
  readonly renewed: boolean;
}

/** Decides a certificate's standing; pure and synchronous, so SQLite can call it inside its transaction. */
export type Judge = (certificate: PendingCertificate) => Standing;

const run = (sql: string, params: readonly unknown[] = []): Command => ({ sql, params });
const bump = (sql: Statements, kind: string, province: string, a: string, b: string, n: number) => run(sql.bumpCount, [kind, province, a, b, n]);
/** A count's key (kind, province, a, b) and what to add to it. */
export type CountChange = readonly [kind: string, province: string, a: string, b: string, n: number];
/** A rollout plan count's key (kind, issuer key, hardware version, a, b) and what to add to it. */
export type PlanCountChange = readonly [kind: string, issuerKey: string, version: string, a: string, b: string, n: number];

/** The levels of time a window's edges are counted at, with how much of the ISO instant each keeps. */
export const EDGE_LEVELS = [
  ['edgeYear', 4],
  ['edgeMonth', 7],
  ['edgeDay', 10],
  ['edge', 24],
] as const;

/**
 * What a certificate's standing counts for, `sign` times (−1 takes it away). Renewed: one 'known'
 * renewed in its province. Not renewed and eligible for a while: its window's edges, +1 where it
 * opens and −1 where it closes, each at four levels of time, so the certificates eligible at an
 * instant are the sum of the edges up to it; a read sums the years before it, the months of its
 * year, the days of its month and the instants of its day, a few thousand rows whatever the size
 * of the campaign. Never eligible: nothing.
 */
export function standingCounts(province: string, eligibleFrom: unknown, eligibleUntil: unknown, renewed: boolean, sign: 1 | -1): CountChange[] {
  if (renewed) return [['known', province, '', '1', sign]];
  if (eligibleFrom == null || eligibleUntil == null || !(String(eligibleFrom) < String(eligibleUntil))) return [];
  return EDGE_LEVELS.flatMap(([kind, length]): CountChange[] => [
    [kind, province, String(eligibleFrom).slice(0, length), '', sign],
    [kind, province, String(eligibleUntil).slice(0, length), '', -sign],
  ]);
}

/**
 * What a certificate counts for in the rollout plan, `sign` times, under its issuer key and the
 * hardware version the plan goes by: renewed, or with a grant's end (eligible until then, opened
 * or not), it is 'known'; unrenewed, its grant's end takes it away again, at the four levels of
 * time, so the plan's "eligible known" at an instant is 'known' plus the ends up to it.
 */
export function planStandingCounts(issuerKey: string, version: string, eligibleUntil: unknown, renewed: boolean, sign: 1 | -1): PlanCountChange[] {
  if (renewed) return [['known', issuerKey, version, '', '', sign]];
  if (eligibleUntil == null) return [];
  return [
    ['known', issuerKey, version, '', '', sign],
    ...EDGE_LEVELS.map(([kind, length]): PlanCountChange => [kind, issuerKey, version, String(eligibleUntil).slice(0, length), '', -sign]),
  ];
}

/** The hardware version a certificate counts under in the plan: the registry's, else (once renewed) the token's. */
export const planVersion = (registryVersion: unknown, tokenVersion: unknown): string =>
  rolloutVersion(registryVersion == null ? null : String(registryVersion), tokenVersion == null ? null : String(tokenVersion)) ?? UNKNOWN_VERSION;

/**
 * Count changes gathered over a write and bumped once each, in key order: two writers moving the
 * same counts then take their rows in the same order.
 */
function countChanges() {
  const deltas = new Map<string, number>();
  const plan = new Map<string, number>();
  const add = (kind: string, province: string, a: string, b: string, n: number): void => {
    const k = JSON.stringify([kind, province, a, b]);
    deltas.set(k, (deltas.get(k) ?? 0) + n);
  };
  const addPlan = (kind: string, issuerKey: string, version: string, a: string, b: string, n: number): void => {
    const k = JSON.stringify([kind, issuerKey, version, a, b]);
    plan.set(k, (plan.get(k) ?? 0) + n);
  };
  const sorted = (m: Map<string, number>) => [...m].filter(([, n]) => n !== 0).sort(([x], [y]) => x.localeCompare(y));
  return {
    add,
    addAll(changes: readonly CountChange[]): void {
      for (const c of changes) add(...c);
    },
    addPlan,
    addAllPlan(changes: readonly PlanCountChange[]): void {
      for (const c of changes) addPlan(...c);
    },
    *bumps(sql: Statements): Generator<Command, void, Row[]> {
      for (const [k, n] of sorted(deltas)) yield run(sql.bumpCount, [...(JSON.parse(k) as string[]), n]);
      for (const [k, n] of sorted(plan)) yield run(sql.bumpPlanCount, [...(JSON.parse(k) as string[]), n]);
    },
  };
}

/** Whether every certificate's standing is decided, and for this campaign: then a read need not take the write lock. */
export function* standingsCurrentPlan(sql: Statements, fingerprint: string): Generator<Command, boolean, Row[]> {
  const [state] = yield run(sql.standingsState);
  return state?.fingerprint === fingerprint && Number(state.pending) === 0;
}

/**
 * Decides up to `batch` pending certificates (all of them again when the campaign changed) and
 * moves their counts; returns how many it decided. Rows are locked as they are read, so two
 * processes doing this at once never count a certificate twice.
 */
export function* refreshPlan(sql: Statements, fingerprint: string, judge: Judge, batch: number): Generator<Command, number, Row[]> {
  const [state] = yield run(sql.progressCampaign);
  if (state?.fingerprint !== fingerprint) {
    yield run(sql.markAllPending);
    yield run(sql.setProgressCampaign, [fingerprint]);
  }
  const rows = yield run(sql.pendingCertificates, [batch]);
  const counts = countChanges();
  for (const r of rows) {
    const key = String(r.issuer_key);
    const wasRenewed = Number(r.renewed) === 1;
    if (r.counted_province != null) counts.addAll(standingCounts(String(r.counted_province), r.eligible_from, r.eligible_until, wasRenewed, -1));
    if (r.counted_plan_version != null) counts.addAllPlan(planStandingCounts(key, String(r.counted_plan_version), r.eligible_until, wasRenewed, -1));
    const renewal = r.r_issuer_key == null ? null : r;
    const standing = judge({
      serial: String(r.serial),
      der: new Uint8Array(Buffer.from(String(r.der), 'base64')),
      subscriber: r.s_serial == null ? null : subscriberFromRow(r),
      renewed: renewal !== null,
    });
    const version = planVersion(r.hardware_version, standing.renewed ? renewal?.r_hardware_version : null);
    counts.addAllPlan(planStandingCounts(key, version, standing.eligibleUntil, standing.renewed, 1));
    // Its renewal goes by the registry's version too, once the centre knows the certificate under the renewal's key.
    if (renewal && String(renewal.r_issuer_key) === key && renewal.r_plan_version !== version) {
      const [day, channel] = [String(renewal.r_issued_day), String(renewal.r_channel)];
      if (renewal.r_plan_version != null) counts.addPlan('renewed', key, String(renewal.r_plan_version), day, channel, -1);
      counts.addPlan('renewed', key, version, day, channel, 1);
      yield run(sql.setRenewalPlanVersion, [version, key, r.serial]);
    }
    counts.addAll(standingCounts(standing.province, standing.eligibleFrom, standing.eligibleUntil, standing.renewed, 1));
    yield run(sql.setStanding, [standing.province, standing.eligibleFrom, standing.eligibleUntil, standing.renewed ? 1 : 0, version, r.serial, key]);
  }
  yield* counts.bumps(sql);
  return rows.length;
}

/** After a renewal is stored: counted per day, channel and hardware version, and its certificate moves to renewed. */
export function* renewalProgressPlan(sql: Statements, r: IssuedRenewal): Generator<Command, void, Row[]> {
  yield bump(sql, 'day', r.province, r.issuedDay, '', 1);
  yield bump(sql, 'renewed', r.province, r.channel, r.hardwareVersion, 1);
  const [c] = yield run(sql.certificateStandingForUpdate, [r.oldSerial, r.issuerKeyId]);
  // In the plan, by the registry's version of its certificate when the centre knows it, else by the token's.
  const version = planVersion(c?.s_hardware_version, r.hardwareVersion);
  const counts = countChanges();
  counts.addPlan('renewed', r.issuerKeyId, version, r.issuedDay, r.channel, 1);
  yield run(sql.setRenewalPlanVersion, [version, r.issuerKeyId, r.oldSerial]);
  // A certificate the centre does not know is in no count; a pending one is decided by the next refresh.
  if (c && Number(c.pending) === 0) {
    const wasRenewed = Number(c.renewed) === 1;
    counts.addAll(standingCounts(String(c.province), c.eligible_from, c.eligible_until, wasRenewed, -1));
    if (c.plan_version != null) counts.addAllPlan(planStandingCounts(r.issuerKeyId, String(c.plan_version), c.eligible_until, wasRenewed, -1));
    const province = c.s_province == null ? NO_PROVINCE : String(c.s_province);
    counts.addAll(standingCounts(province, null, null, true, 1));
    counts.addAllPlan(planStandingCounts(r.issuerKeyId, version, null, true, 1));
    yield run(sql.setStanding, [province, null, null, 1, version, r.oldSerial, r.issuerKeyId]);
  }
  yield* counts.bumps(sql);
}

/** A decision on a certificate, from a kiosk's check.decided or the centre's own refusal. */
export interface KioskDecision {
  readonly serial: string;
  /** 0 for the centre's own refusal. */
  readonly seq: number;
  readonly at: string;
  readonly eligible: boolean;
  readonly reasons: readonly string[];
}

/**
 * The latest decision on a certificate wins, whichever kiosk made it; a refused one counts once
 * per certificate under its reasons, in its subscriber's province (else the kiosk's) and the
 * kiosk's channel. One kiosk's decisions are stored together, a few statements for the lot; what
 * is left is what storing them one by one in order would leave.
 */
export function* decisionsPlan(sql: ProgressSql, kioskId: string, decisions: readonly KioskDecision[]): Generator<Command, void, Row[]> {
  // Per certificate, the first of its latest decisions (a later one wins only if strictly later).
  const latest = new Map<string, KioskDecision>();
  for (const d of decisions) {
    const seen = latest.get(d.serial);
    if (!seen || d.at > seen.at) latest.set(d.serial, d);
  }
  if (latest.size === 0) return;
  const serials = [...latest.keys()].sort();
  const [kiosk] = yield run(sql.statements.kiosk, [kioskId]);
  const channel = String(kiosk!.channel);
  const province = new Map<string, string>();
  for (const command of sql.many('subscriberProvinces', serials.map((serial) => [serial]))) {
    for (const r of yield command) if (r.province != null) province.set(String(r.serial), String(r.province));
  }
  const placed = (serial: string) => province.get(serial) ?? String(kiosk!.province);
  const stored = new Map<string, Row>();
  function* readStored(list: readonly string[]): Generator<Command, void, Row[]> {
    for (const command of sql.many('decisionsForUpdate', list.map((serial) => [serial]))) {
      for (const r of yield command) stored.set(String(r.certificate_serial), r);
    }
  }
  yield* readStored(serials);
  const values = (serial: string) => {
    const d = latest.get(serial)!;
    return [d.seq, d.at, d.eligible ? 1 : 0, JSON.stringify(d.reasons), placed(serial), channel];
  };
  const counts = countChanges();
  const fresh = serials.filter((serial) => !stored.has(serial));
  const inserted = new Set<string>();
  for (const command of sql.many('insertDecisions', fresh.map((serial) => [serial, kioskId, ...values(serial)]))) {
    for (const r of yield command) inserted.add(String(r.certificate_serial));
  }
  // Another transaction stored the first decision on some meanwhile: those are the ones to compare with.
  const raced = fresh.filter((serial) => !inserted.has(serial));
  if (raced.length > 0) yield* readStored(raced);
  for (const serial of serials) {
    const d = latest.get(serial)!;
    const reasons = JSON.stringify(d.reasons);
    if (!inserted.has(serial)) {
      const old = stored.get(serial)!;
      if (!(d.at > String(old.at))) continue;
      const [seq, at, eligible, , where] = values(serial);
      yield run(sql.statements.updateDecision, [kioskId, seq, at, eligible, reasons, where, channel, serial]);
      if (Number(old.eligible) === 0) counts.add('refused', String(old.province), String(old.channel), String(old.reasons), -1);
    }
    if (!d.eligible) counts.add('refused', placed(serial), channel, reasons, 1);
  }
  yield* counts.bumps(sql.statements);
}

/** After a registry row changed: its certificate is decided again, and its decision follows it to its new province. */
export function* registryProgressPlan(sql: Statements, r: SubscriberRecord): Generator<Command, void, Row[]> {
  yield run(sql.markPending, [r.serial]);
  const [d] = yield run(sql.subscriberDecisionForUpdate, [r.serial]);
  if (!d) return;
  const province = r.province ?? String(d.kiosk_province);
  if (province === String(d.province)) return;
  yield run(sql.moveDecision, [province, r.serial]);
  if (Number(d.eligible) === 0) {
    yield bump(sql, 'refused', String(d.province), String(d.channel), String(d.reasons), -1);
    yield bump(sql, 'refused', province, String(d.channel), String(d.reasons), 1);
  }
}

/** The centre's own refusal of a renewal, counted per hardware version (only the centre sees the token). */
export function* refusalProgressPlan(sql: Statements, province: string, hardwareVersion: string, reasons: readonly string[]): Generator<Command, void, Row[]> {
  for (const reason of reasons) yield bump(sql, 'refusedHw', province, hardwareVersion, reason, 1);
}

/** How the plans name their statements: the fixed ones, the ones limited to a scope, and the ones over many rows. */
export interface ProgressSql {
  readonly statements: Statements;
  scoped(name: ScopedName, params: readonly unknown[], scope: Scope): Command;
  many(name: ManyName, rows: readonly (readonly unknown[])[]): Command[];
}

/** A read of the progress figures, run by the store in one snapshot. */
export type ReadPlan<T> = (sql: ProgressSql) => Generator<Command, T, Row[]>;
