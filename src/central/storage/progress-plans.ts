/**
 * Keeping the progress counts (migration 4) in step with what they count, written once for both
 * databases as plans of SQL commands (event-chain.ts's way), each run inside the transaction of
 * the write it follows: a renewal stored, a kiosk's decision, a registry row changed, and the
 * deciding of certificates whose standing is pending. A count is never recomputed from the
 * tables it counts, so the report reads a few hundred rows whatever the size of the campaign.
 */
import type { SubscriberRecord } from '../../campaign/registry.js';
import type { Command, Row } from '../../sql/migrate.js';
import { subscriberFromRow } from './rows.js';
import type { Scope, ScopedName, Statements } from './statements.js';
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
/** A 'known' count's key: a is the eligibility window, from then until (24 characters each), or ''. */
const knownKey = (province: string, eligibleFrom: unknown, eligibleUntil: unknown, renewed: boolean) =>
  [province, eligibleFrom == null || eligibleUntil == null ? '' : `${String(eligibleFrom)}${String(eligibleUntil)}`, renewed ? '1' : '0'] as const;

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
  const deltas = new Map<string, number>();
  const add = (key: readonly string[], n: number) => {
    const k = JSON.stringify(key);
    deltas.set(k, (deltas.get(k) ?? 0) + n);
  };
  for (const r of rows) {
    if (r.counted_province != null) add(knownKey(String(r.counted_province), r.eligible_from, r.eligible_until, Number(r.renewed) === 1), -1);
    const standing = judge({
      serial: String(r.serial),
      der: new Uint8Array(Buffer.from(String(r.der), 'base64')),
      subscriber: r.s_serial == null ? null : subscriberFromRow(r),
      renewed: Number(r.now_renewed) > 0,
    });
    add(knownKey(standing.province, standing.eligibleFrom, standing.eligibleUntil, standing.renewed), 1);
    yield run(sql.setStanding, [standing.province, standing.eligibleFrom, standing.eligibleUntil, standing.renewed ? 1 : 0, r.serial, r.issuer_key]);
  }
  // In key order, so two writers moving the same counts take their rows in the same order.
  for (const [k, n] of [...deltas].sort(([a], [b]) => a.localeCompare(b))) {
    const [province, a, b] = JSON.parse(k) as [string, string, string];
    if (n !== 0) yield bump(sql, 'known', province, a, b, n);
  }
  return rows.length;
}

/** After a renewal is stored: counted per day, channel and hardware version, and its certificate moves to renewed. */
export function* renewalProgressPlan(sql: Statements, r: IssuedRenewal): Generator<Command, void, Row[]> {
  yield bump(sql, 'day', r.province, r.issuedDay, '', 1);
  yield bump(sql, 'renewed', r.province, r.channel, r.hardwareVersion, 1);
  const [c] = yield run(sql.certificateStandingForUpdate, [r.oldSerial, r.issuerKeyId]);
  // A certificate the centre does not know is in no count; a pending one is decided by the next refresh.
  if (!c || Number(c.pending) === 1) return;
  yield bump(sql, 'known', ...knownKey(String(c.province), c.eligible_from, c.eligible_until, Number(c.renewed) === 1), -1);
  const province = c.s_province == null ? NO_PROVINCE : String(c.s_province);
  yield bump(sql, 'known', ...knownKey(province, null, null, true), 1);
  yield run(sql.setStanding, [province, null, null, 1, r.oldSerial, r.issuerKeyId]);
}

export interface DecisionInput {
  readonly serial: string;
  readonly kioskId: string;
  /** 0 for the centre's own refusal. */
  readonly seq: number;
  readonly at: string;
  readonly eligible: boolean;
  readonly reasons: readonly string[];
}

/**
 * The latest decision on a certificate wins, whichever kiosk made it; a refused one counts once
 * per certificate under its reasons, in its subscriber's province (else the kiosk's) and the
 * kiosk's channel.
 */
export function* decisionPlan(sql: Statements, d: DecisionInput): Generator<Command, void, Row[]> {
  const reasons = JSON.stringify(d.reasons);
  const [place] = yield run(sql.decisionPlace, [d.serial, d.kioskId]);
  const province = String(place!.province);
  const channel = String(place!.channel);
  let [old] = yield run(sql.decisionForUpdate, [d.serial]);
  if (!old) {
    const inserted = yield run(sql.insertDecision, [d.serial, d.kioskId, d.seq, d.at, d.eligible ? 1 : 0, reasons, province, channel]);
    if (inserted.length > 0) {
      if (!d.eligible) yield bump(sql, 'refused', province, channel, reasons, 1);
      return;
    }
    // Another transaction stored the first decision meanwhile: it is the one to compare with.
    [old] = yield run(sql.decisionForUpdate, [d.serial]);
  }
  if (!(d.at > String(old!.at))) return;
  yield run(sql.updateDecision, [d.kioskId, d.seq, d.at, d.eligible ? 1 : 0, reasons, province, channel, d.serial]);
  if (Number(old!.eligible) === 0) yield bump(sql, 'refused', String(old!.province), String(old!.channel), String(old!.reasons), -1);
  if (!d.eligible) yield bump(sql, 'refused', province, channel, reasons, 1);
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

/** How the progress reads name their statements: the fixed ones, and the ones limited to a scope. */
export interface ProgressSql {
  readonly statements: Statements;
  scoped(name: ScopedName, params: readonly unknown[], scope: Scope): Command;
}

/** A read of the progress figures, run by the store in one snapshot. */
export type ReadPlan<T> = (sql: ProgressSql) => Generator<Command, T, Row[]>;
