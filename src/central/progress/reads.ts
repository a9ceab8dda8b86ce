/** The progress reads as plans the store runs in one snapshot (storage/progress-plans.ts ReadPlan). */
import type { Command, Row } from '../../sql/migrate.js';
import type { KioskLine, KioskSync, RemainingCustomer } from '../api.js';
import type { ProgressSql } from '../storage/progress-plans.js';
import type { Scope } from '../storage/statements.js';

/** The counts behind a page, over its scope. */
export interface Counts {
  /** Known certificates per province: renewed, and eligible now but not renewed. */
  readonly known: readonly { province: string; renewed: number; remaining: number }[];
  readonly perDay: { date: string; renewed: number }[];
  readonly renewed: readonly { province: string; channel: string; hardwareVersion: string; n: number }[];
  /** Certificates whose latest decision refused them, by the decision's reasons. */
  readonly refused: readonly { province: string; channel: string; reasons: string[]; n: number }[];
  /** The centre's own refusals, by reason. */
  readonly refusedByHardware: readonly { province: string; hardwareVersion: string; reason: string; n: number }[];
}

const text = (v: unknown) => String(v);
const time = (v: unknown) => (v == null ? null : String(v));

/** knownByProvince's parameters for an instant: the year, month and day it falls in (UTC, as the edges are counted), and itself. */
export function knownParams(now: Date): string[] {
  const instant = now.toISOString();
  const [year, month, day] = [instant.slice(0, 4), instant.slice(0, 7), instant.slice(0, 10)];
  return [year, year, month, month, day, day, instant];
}

function* countsPlan(sql: ProgressSql, scope: Scope, now: Date): Generator<Command, Counts, Row[]> {
  const known = yield sql.scoped('knownByProvince', knownParams(now), scope);
  const days = yield sql.scoped('renewalsPerDay', [], scope);
  const kinds = yield sql.scoped('kinds', [], scope);
  const of = (kind: string) => kinds.filter((r) => r.kind === kind);
  return {
    known: known.map((r) => ({ province: text(r.province), renewed: Number(r.renewed), remaining: Number(r.remaining) })),
    perDay: days.filter((r) => Number(r.n) !== 0).map((r) => ({ date: text(r.day), renewed: Number(r.n) })),
    renewed: of('renewed').map((r) => ({ province: text(r.province), channel: text(r.a), hardwareVersion: text(r.b), n: Number(r.n) })),
    refused: of('refused').map((r) => ({ province: text(r.province), channel: text(r.a), reasons: JSON.parse(text(r.b)) as string[], n: Number(r.n) })),
    refusedByHardware: of('refusedHw').map((r) => ({ province: text(r.province), hardwareVersion: text(r.a), reason: text(r.b), n: Number(r.n) })),
  };
}

export const overviewPlan = countsPlan;

function kioskSync(r: Row): Omit<KioskSync, 'notSyncedSeconds'> {
  return {
    id: text(r.id),
    province: text(r.province),
    channel: text(r.channel),
    enrolledAt: time(r.enrolled_at),
    revokedAt: time(r.revoked_at),
    lastSeenAt: time(r.last_seen_at),
    acknowledgedSeq: Number(r.acknowledged_seq),
    events: Number(r.stored_events),
  };
}

export function* provincePlan(sql: ProgressSql, code: string, now: Date): Generator<Command, { counts: Counts; kiosks: Omit<KioskSync, 'notSyncedSeconds'>[] }, Row[]> {
  const counts = yield* countsPlan(sql, [code], now);
  const kiosks = yield { sql: sql.statements.provinceKiosks, params: [code] };
  return { counts, kiosks: kiosks.map(kioskSync) };
}

export function* remainingPlan(sql: ProgressSql, code: string, now: Date, after: string, limit: number): Generator<Command, RemainingCustomer[], Row[]> {
  const rows = yield { sql: sql.statements.remainingCustomers, params: [code, now.toISOString(), now.toISOString(), after, limit] };
  return rows.map((r) => ({ serial: text(r.serial), taxCode: text(r.tax_code), contractEnd: text(r.contract_end), eligibleUntil: text(r.eligible_until) }));
}

export function* staleKiosksPlan(sql: ProgressSql, scope: Scope, before: string): Generator<Command, Omit<KioskSync, 'notSyncedSeconds'>[], Row[]> {
  return (yield sql.scoped('staleKiosks', [before], scope)).map(kioskSync);
}

/**
 * Every kiosk's journal state. The stored chain is checked link by link as it is stored
 * (events.ts), so a kiosk whose stored events are exactly 1..acknowledged has no gap; only the
 * others are searched for their gaps.
 */
export function* kiosksPlan(sql: ProgressSql): Generator<Command, Omit<KioskLine, 'notSyncedSeconds'>[], Row[]> {
  const lines: Omit<KioskLine, 'notSyncedSeconds'>[] = [];
  for (const r of yield { sql: sql.statements.allKiosks, params: [] }) {
    const k = kioskSync(r);
    const gaps: [number, number][] = [];
    if (k.events > k.acknowledgedSeq) {
      const [first] = yield { sql: sql.statements.firstEvent, params: [k.id] };
      if (first?.seq != null && Number(first.seq) > 1) gaps.push([1, Number(first.seq) - 1]);
      for (const g of yield { sql: sql.statements.eventGaps, params: [k.id] }) gaps.push([Number(g.from_seq), Number(g.to_seq)]);
    }
    const { province, channel, enrolledAt, revokedAt, lastSeenAt, acknowledgedSeq, events } = k;
    lines.push({ id: k.id, province, channel, enrolledAt, revokedAt, lastSeenAt, acknowledgedSeq, events, gaps, chainOk: gaps.length === 0 });
  }
  return lines;
}

/** The rollout plan's counts, per issuer key and the hardware version the plan goes by (progress-plans.ts planStandingCounts). */
export interface PlanCounts {
  /** Certificates renewed or whose grant has not ended at the instant read. */
  readonly known: readonly { issuerKeyId: string; version: string; n: number }[];
  readonly renewed: readonly { issuerKeyId: string; version: string; day: string; channel: string; n: number }[];
}

export function* planCountsPlan(sql: ProgressSql, now: Date): Generator<Command, PlanCounts, Row[]> {
  const known = yield { sql: sql.statements.planKnown, params: knownParams(now) };
  const renewed = yield { sql: sql.statements.planRenewed, params: [] };
  return {
    known: known.filter((r) => Number(r.n) !== 0).map((r) => ({ issuerKeyId: text(r.issuer_key), version: text(r.version), n: Number(r.n) })),
    renewed: renewed.map((r) => ({ issuerKeyId: text(r.issuer_key), version: text(r.version), day: text(r.day), channel: text(r.channel), n: Number(r.n) })),
  };
}
