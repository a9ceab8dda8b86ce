/**
 * Storing a batch of a kiosk's journal events, written once for both databases as a plan of SQL
 * commands (like the migration runner): SQLite drives it synchronously inside its write
 * transaction, PostgreSQL through one client inside a transaction that holds the kiosk's row.
 * Whatever the plan throws (CHAIN_CONFLICT) rolls the whole batch back.
 */
import type { Command, Row } from '../../sql/migrate.js';
import type { JournalEvent } from '../../journal/format.js';
import { eventsToStore, neighbourhood, type Neighbourhood, type StoredLink } from '../events.js';
import { decisionsPlan, refusalProgressPlan, type KioskDecision, type ProgressSql } from './progress-plans.js';
import type { Statements } from './statements.js';
import type { RefusalRecord } from './store.js';

/** How many events one kiosk may have stored per window; past it the centre answers 429. */
export interface EventQuota {
  readonly max: number;
  readonly windowMs: number;
}

export type SavedEvents =
  | {
      readonly kind: 'saved';
      readonly acknowledgedSeq: number;
      readonly stored: number;
      /** Events stored beyond the acknowledged run: the chain has a gap below them. */
      readonly beyondGap: number;
    }
  | { readonly kind: 'over-quota'; readonly retryAfterSeconds: number };

const run = (sql: string, params: readonly unknown[] = []): Command => ({ sql, params });

/** The quota counts events per minute received: its window starts at the start of a minute. */
const minuteOf = (at: Date) => at.toISOString().slice(0, 16);

export function* saveEventsPlan(
  sql: ProgressSql,
  kioskId: string,
  batch: readonly JournalEvent[],
  at: Date,
  quota: EventQuota,
): Generator<Command, SavedEvents, Row[]> {
  const [kiosk] = yield run(sql.statements.kioskChainForUpdate, [kioskId]);
  const acked = Number(kiosk?.acknowledged_seq ?? 0);
  const { from, to } = neighbourhood(batch);
  const links = new Map<number, StoredLink>();
  for (const r of yield run(sql.statements.eventLinks, [kioskId, from, to])) {
    links.set(Number(r.seq), { seq: Number(r.seq), hash: String(r.hash), prevHash: String(r.prev_hash) });
  }
  const insert = eventsToStore(batch, links);
  const receivedAt = at.toISOString();
  if (insert.length > 0) {
    // Counted per minute, never over the stored events: the check costs the same at any backlog,
    // and errs by at most the minute the window starts in, towards refusing.
    const windowStart = minuteOf(new Date(at.getTime() - quota.windowMs));
    yield run(sql.statements.dropOldReceipts, [kioskId, windowStart]);
    const [received] = yield run(sql.statements.eventsReceivedSince, [kioskId, windowStart]);
    if (Number(received?.n ?? 0) + insert.length > quota.max) {
      return { kind: 'over-quota', retryAfterSeconds: Math.ceil(quota.windowMs / 1000) };
    }
    yield run(sql.statements.countReceipts, [kioskId, minuteOf(at), insert.length]);
  }
  const rows = insert.map((e) => [kioskId, e.seq, e.at, e.type, e.operator, JSON.stringify(e.data), e.prevHash, e.hash, receivedAt]);
  for (const command of sql.many('saveEvents', rows)) yield command;
  const decisions: KioskDecision[] = [];
  for (const e of insert) {
    if (e.type === 'check.decided' && typeof e.data.certificateSerial === 'string' && typeof e.data.eligible === 'boolean') {
      const reasons = Array.isArray(e.data.reasons) ? e.data.reasons.map(String) : [];
      decisions.push({ serial: e.data.certificateSerial, seq: e.seq, at: e.at, eligible: e.data.eligible, reasons });
    }
  }
  yield* decisionsPlan(sql, kioskId, decisions);
  const known = new Set([...links.keys(), ...insert.map((e) => e.seq)]);
  const next = yield* acknowledgedAfter(sql.statements, kioskId, acked, known, { from, to });
  yield run(sql.statements.setKioskChain, [next, receivedAt, insert.length, kioskId]);
  return { kind: 'saved', acknowledgedSeq: next, stored: insert.length, beyondGap: insert.filter((e) => e.seq > next).length };
}

/**
 * How far the kiosk's chain is stored unbroken from 1, given the batch just stored. What is
 * stored in the batch's neighbourhood is known without asking; the database is asked only when
 * the run may go on beyond it (events stored earlier beyond a gap) or starts below it.
 */
function* acknowledgedAfter(
  sql: Statements,
  kioskId: string,
  acked: number,
  known: ReadonlySet<number>,
  { from, to }: Neighbourhood,
): Generator<Command, number, Row[]> {
  let end = acked;
  if (acked + 1 >= from) {
    while (end + 1 <= to && known.has(end + 1)) end++;
    if (end < to) return end;
  }
  const [next] = yield run(sql.eventAt, [kioskId, end + 1]);
  if (!next) return end;
  const [last] = yield run(sql.chainEnd, [kioskId, end]);
  return Number(last!.seq);
}

/** Drives a plan to its end with a synchronous executor (better-sqlite3). */
export function runPlanSync<T>(plan: Generator<Command, T, Row[]>, execute: (command: Command) => Row[]): T {
  for (let next = plan.next(); ; ) {
    if (next.done) return next.value;
    next = plan.next(execute(next.value));
  }
}

/** Drives a plan to its end through an asynchronous executor (pg). */
export async function runPlan<T>(plan: Generator<Command, T, Row[]>, execute: (command: Command) => Promise<Row[]>): Promise<T> {
  for (let next = plan.next(); ; ) {
    if (next.done) return next.value;
    next = plan.next(await execute(next.value));
  }
}

/** Per kiosk, what `capbu central kiosk list` and the report show of its journal. */
export interface KioskChain {
  readonly id: string;
  readonly province: string;
  readonly channel: string;
  readonly enrolledAt: string | null;
  readonly revokedAt: string | null;
  readonly lastSeenAt: string | null;
  readonly acknowledgedSeq: number;
  readonly events: number;
  readonly gaps: [number, number][];
  /** Every stored event links to the one stored before it, and nothing is missing below the last. */
  readonly chainOk: boolean;
}

export function* kioskChainsPlan(sql: Statements): Generator<Command, KioskChain[], Row[]> {
  const chains: KioskChain[] = [];
  for (const k of yield run(sql.kioskChains)) {
    const id = String(k.id);
    const gaps: [number, number][] = [];
    const [first] = yield run(sql.firstEvent, [id]);
    if (first?.seq != null && Number(first.seq) > 1) gaps.push([1, Number(first.seq) - 1]);
    for (const g of yield run(sql.eventGaps, [id])) gaps.push([Number(g.from_seq), Number(g.to_seq)]);
    const [broken] = yield run(sql.brokenLinks, [id]);
    chains.push({
      id,
      province: String(k.province),
      channel: String(k.channel),
      enrolledAt: k.enrolled_at == null ? null : String(k.enrolled_at),
      revokedAt: k.revoked_at == null ? null : String(k.revoked_at),
      lastSeenAt: k.last_seen_at == null ? null : String(k.last_seen_at),
      acknowledgedSeq: Number(k.acknowledged_seq ?? 0),
      events: Number(k.events ?? 0),
      gaps,
      chainOk: gaps.length === 0 && Number(broken?.n ?? 0) === 0,
    });
  }
  return chains;
}

/** The latest decision on each certificate a kiosk checked, with where it counts in the report. */
export interface DecisionRecord {
  readonly certificateSerial: string;
  readonly eligible: boolean;
  readonly reasons: readonly string[];
  readonly province: string;
  readonly channel: string;
}

/**
 * The centre refusing a renewal: stored with its reasons, counted per hardware version, and a
 * decision on that certificate too (seq 0: not a kiosk's event). Nothing for a retry already stored.
 */
export function* saveRefusalPlan(sql: ProgressSql, f: RefusalRecord): Generator<Command, void, Row[]> {
  const inserted = yield run(sql.statements.saveRefusal, [f.kioskId, f.idempotencyKey, f.requestHash, f.oldSerial, f.province, f.channel, f.hardwareVersion, f.refusedAt]);
  if (inserted.length === 0) return;
  for (const reason of f.reasons) yield run(sql.statements.saveRefusalReason, [f.kioskId, f.idempotencyKey, reason]);
  yield* refusalProgressPlan(sql.statements, f.province, f.hardwareVersion, f.reasons);
  yield* decisionsPlan(sql, f.kioskId, [{ serial: f.oldSerial, seq: 0, at: f.refusedAt, eligible: false, reasons: f.reasons }]);
}

export function decisionFromRow(r: Row): DecisionRecord {
  return {
    certificateSerial: String(r.certificate_serial),
    eligible: Number(r.eligible) === 1,
    reasons: JSON.parse(String(r.reasons)) as string[],
    province: String(r.province),
    channel: String(r.channel),
  };
}
