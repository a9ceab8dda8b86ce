/**
 * Storing a batch of a kiosk's journal events, written once for both databases as a plan of SQL
 * commands (like the migration runner): SQLite drives it synchronously inside its write
 * transaction, PostgreSQL through one client inside a transaction that holds the kiosk's row.
 * Whatever the plan throws (CHAIN_CONFLICT) rolls the whole batch back.
 */
import type { Command, Row } from '../../sql/migrate.js';
import type { JournalEvent } from '../../journal/format.js';
import { eventsToStore, neighbourhood, type StoredLink } from '../events.js';
import { decisionPlan, refusalProgressPlan } from './progress-plans.js';
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

export function* saveEventsPlan(
  sql: Statements,
  kioskId: string,
  batch: readonly JournalEvent[],
  at: Date,
  quota: EventQuota,
): Generator<Command, SavedEvents, Row[]> {
  const [kiosk] = yield run(sql.kioskChainForUpdate, [kioskId]);
  let acked = Number(kiosk?.acknowledged_seq ?? 0);
  const { from, to } = neighbourhood(batch);
  const links = new Map<number, StoredLink>();
  for (const r of yield run(sql.eventLinks, [kioskId, from, to])) {
    links.set(Number(r.seq), { seq: Number(r.seq), hash: String(r.hash), prevHash: String(r.prev_hash) });
  }
  const insert = eventsToStore(batch, links);
  if (insert.length > 0) {
    const since = new Date(at.getTime() - quota.windowMs).toISOString();
    const [received] = yield run(sql.eventsReceivedSince, [kioskId, since]);
    if (Number(received?.n ?? 0) + insert.length > quota.max) {
      return { kind: 'over-quota', retryAfterSeconds: Math.ceil(quota.windowMs / 1000) };
    }
  }
  const receivedAt = at.toISOString();
  for (const e of insert) {
    yield run(sql.saveEvent, [kioskId, e.seq, e.at, e.type, e.operator, JSON.stringify(e.data), e.prevHash, e.hash, receivedAt]);
    if (e.type === 'check.decided' && typeof e.data.certificateSerial === 'string' && typeof e.data.eligible === 'boolean') {
      const reasons = Array.isArray(e.data.reasons) ? e.data.reasons.map(String) : [];
      yield* decisionPlan(sql, { serial: e.data.certificateSerial, kioskId, seq: e.seq, at: e.at, eligible: e.data.eligible, reasons });
    }
  }
  const [next] = yield run(sql.eventAt, [kioskId, acked + 1]);
  if (next) {
    const [end] = yield run(sql.chainEnd, [kioskId, acked]);
    acked = Number(end!.seq);
  }
  yield run(sql.setKioskChain, [acked, receivedAt, insert.length, kioskId]);
  return { kind: 'saved', acknowledgedSeq: acked, stored: insert.length, beyondGap: insert.filter((e) => e.seq > acked).length };
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
export function* saveRefusalPlan(sql: Statements, f: RefusalRecord): Generator<Command, void, Row[]> {
  const inserted = yield run(sql.saveRefusal, [f.kioskId, f.idempotencyKey, f.requestHash, f.oldSerial, f.province, f.channel, f.hardwareVersion, f.refusedAt]);
  if (inserted.length === 0) return;
  for (const reason of f.reasons) yield run(sql.saveRefusalReason, [f.kioskId, f.idempotencyKey, reason]);
  yield* refusalProgressPlan(sql, f.province, f.hardwareVersion, f.reasons);
  yield* decisionPlan(sql, { serial: f.oldSerial, kioskId: f.kioskId, seq: 0, at: f.refusedAt, eligible: false, reasons: f.reasons });
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
