/**
 * The campaign's progress as supervisors follow it: what the dashboard pages, `capbu central
 * report` and GET /v1/report show. Every figure is read from counts the store keeps in the
 * transaction of the write that changes them (storage/progress-plans.ts), and each known
 * certificate's eligibility is decided once (standing.ts), so a read costs the same on a centre
 * holding a whole national campaign as on an empty one. Each function first decides the
 * certificates still pending (new ones, changed registry rows, another campaign), so figures are
 * never behind what is stored.
 *
 * For the dashboard (all take a `ProgressSource`, which CentralServices is; `now` is the centre's
 * clock, services.now(); shapes and TypeBox schemas are in ../api.ts):
 * - `overview(source, scope, now)` → Overview: `total` (eligibleKnown = known certificates
 *   eligible now or renewed; renewed; remaining = eligible now and not renewed; refused = by
 *   reason, from each certificate's latest decision), `renewalsPerDay` [{date, renewed}] in the
 *   campaign's zone, `byProvince` (every figure), `byHardwareVersion` and `byChannel` (renewed and
 *   refused only: eligibleKnown and remaining are null, the centre cannot know a token before it
 *   is renewed). Groups sorted by key.
 * - `provinceProgress(source, code, now)` → ProvinceProgress: the province's `total` (refused by
 *   reason in `total.refused`), `renewalsPerDay`, and its `kiosks` [KioskSync: id, channel,
 *   enrolledAt, revokedAt, lastSeenAt, notSyncedSeconds (null: never synced), acknowledgedSeq,
 *   events].
 * - `remainingCustomers(source, code, now, {after, limit})` → RemainingPage: up to `limit`
 *   (default and at most 500) customers of the province still to renew, [{serial, taxCode,
 *   contractEnd, eligibleUntil}] by serial, and `next` to pass as `after` (null on the last page).
 * - `allRemainingCustomers(source, code, now)`: the same customers as an async iterable, page by
 *   page, for a CSV export that never holds the whole list.
 * - `staleKiosks(source, scope, now, limitSeconds)` → KioskSync[]: enrolled, unrevoked kiosks
 *   not synced for more than `limitSeconds` (never synced included), longest silent first.
 * A `Scope` is 'all' or a list of province codes; figures outside it are not read at all. Nothing
 * here checks who may see what: the caller passes the scope its user is allowed.
 */
import type { Campaign } from '../../campaign/campaign.js';
import type { KioskSync, Overview, ProvinceProgress, RemainingCustomer, RemainingPage, ReportGroup } from '../api.js';
import type { Scope } from '../storage/statements.js';
import type { CentralStore } from '../storage/store.js';
import { kiosksPlan, overviewPlan, provincePlan, remainingPlan, staleKiosksPlan, type Counts } from './reads.js';
import { refreshStandings } from './standing.js';

export type { Scope };
export { NO_PROVINCE } from '../storage/progress-plans.js';

export interface ProgressSource {
  readonly store: CentralStore;
  readonly campaign: Campaign;
}

export const REMAINING_PAGE_MAX = 500;

interface Tally {
  eligibleKnown: number | null;
  renewed: number;
  remaining: number | null;
  refused: Record<string, number>;
}

const emptyTally = (known: boolean): Tally => ({ eligibleKnown: known ? 0 : null, renewed: 0, remaining: known ? 0 : null, refused: {} });

function tallyIn(groups: Map<string, Tally>, key: string, known: boolean): Tally {
  let t = groups.get(key);
  if (!t) groups.set(key, (t = emptyTally(known)));
  return t;
}

const addRefused = (t: Tally, reason: string, n: number) => {
  t.refused[reason] = (t.refused[reason] ?? 0) + n;
};

const sortedGroups = (groups: Map<string, Tally>): ReportGroup[] =>
  [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, t]) => ({ key, ...t }));

/** A group with nothing in it is not shown (an ineligible certificate's province, say). */
const empty = (t: Tally) => !t.eligibleKnown && t.renewed === 0 && Object.keys(t.refused).length === 0;

interface Rollup {
  total: Tally;
  byProvince: Map<string, Tally>;
  byHardware: Map<string, Tally>;
  byChannel: Map<string, Tally>;
}

function rollUp(counts: Counts): Rollup {
  const total = emptyTally(true);
  const byProvince = new Map<string, Tally>();
  const byHardware = new Map<string, Tally>();
  const byChannel = new Map<string, Tally>();
  for (const k of counts.known) {
    for (const t of [total, tallyIn(byProvince, k.province, true)]) {
      t.eligibleKnown! += k.renewed + k.remaining;
      t.remaining! += k.remaining;
    }
  }
  for (const r of counts.renewed) {
    for (const t of [total, tallyIn(byProvince, r.province, true), tallyIn(byHardware, r.hardwareVersion, false), tallyIn(byChannel, r.channel, false)]) {
      t.renewed += r.n;
    }
  }
  for (const f of counts.refused) {
    for (const t of [total, tallyIn(byProvince, f.province, true), tallyIn(byChannel, f.channel, false)]) {
      for (const reason of f.reasons) addRefused(t, reason, f.n);
    }
  }
  for (const f of counts.refusedByHardware) addRefused(tallyIn(byHardware, f.hardwareVersion, false), f.reason, f.n);
  for (const [key, t] of byProvince) if (empty(t)) byProvince.delete(key);
  return { total, byProvince, byHardware, byChannel };
}

export async function overview(source: ProgressSource, scope: Scope, now: Date): Promise<Overview> {
  await refreshStandings(source.store, source.campaign);
  const counts = await source.store.readProgress((sql) => overviewPlan(sql, scope, now));
  const { total, byProvince, byHardware, byChannel } = rollUp(counts);
  return {
    campaign: source.campaign.id,
    generatedAt: now.toISOString(),
    total: { key: 'total', ...total },
    byProvince: sortedGroups(byProvince),
    byHardwareVersion: sortedGroups(byHardware),
    byChannel: sortedGroups(byChannel),
    renewalsPerDay: counts.perDay,
  };
}

const notSynced = (lastSeenAt: string | null, now: Date) =>
  lastSeenAt === null ? null : Math.max(0, Math.floor((now.getTime() - Date.parse(lastSeenAt)) / 1000));

export async function provinceProgress(source: ProgressSource, code: string, now: Date): Promise<ProvinceProgress> {
  await refreshStandings(source.store, source.campaign);
  const { counts, kiosks } = await source.store.readProgress((sql) => provincePlan(sql, code, now));
  const { total } = rollUp(counts);
  return {
    campaign: source.campaign.id,
    generatedAt: now.toISOString(),
    province: code,
    total: { key: code, ...total },
    kiosks: kiosks.map((k) => ({ ...k, notSyncedSeconds: notSynced(k.lastSeenAt, now) })),
    renewalsPerDay: counts.perDay,
  };
}

export async function remainingCustomers(
  source: ProgressSource,
  code: string,
  now: Date,
  page: { readonly after?: string | null; readonly limit?: number } = {},
): Promise<RemainingPage> {
  await refreshStandings(source.store, source.campaign);
  const limit = Math.max(1, Math.min(REMAINING_PAGE_MAX, Math.floor(page.limit ?? REMAINING_PAGE_MAX)));
  const rows = await source.store.readProgress((sql) => remainingPlan(sql, code, now, page.after ?? '', limit + 1));
  const customers = rows.slice(0, limit);
  return { customers, next: rows.length > limit ? customers.at(-1)!.serial : null };
}

export async function* allRemainingCustomers(source: ProgressSource, code: string, now: Date): AsyncGenerator<RemainingCustomer> {
  for (let after: string | null = ''; after !== null; ) {
    const page: RemainingPage = await remainingCustomers(source, code, now, { after });
    yield* page.customers;
    after = page.next;
  }
}

export async function staleKiosks(source: ProgressSource, scope: Scope, now: Date, limitSeconds: number): Promise<KioskSync[]> {
  const before = new Date(now.getTime() - limitSeconds * 1000).toISOString();
  const kiosks = await source.store.readProgress((sql) => staleKiosksPlan(sql, scope, before));
  return kiosks.map((k) => ({ ...k, notSyncedSeconds: notSynced(k.lastSeenAt, now) }));
}

/** Every kiosk with its journal's state, for GET /v1/report and `capbu central report`. */
export function kioskLines(source: ProgressSource, now: Date) {
  return source.store.readProgress((sql) => kiosksPlan(sql)).then((kiosks) =>
    kiosks.map((k) => ({ ...k, notSyncedSeconds: notSynced(k.lastSeenAt, now) })),
  );
}
