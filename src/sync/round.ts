/**
 * One sync with the centre, in the order the journal issue fixes: queued renewal requests, then
 * unsent journal events, then the registry delta (and the events those steps wrote). Held under
 * the store's sync lock; `capbu sync --watch` and the TUI repeat it.
 */
import { CapbuError } from '../errors.js';
import { acknowledgedSeq, unsentEvents } from '../store/journal.js';
import { registryCopy } from '../store/registry.js';
import { renewalBacklog, unansweredRenewals, type RenewalRecord } from '../store/renewals.js';
import type { Store } from '../store/store.js';
import { acquireSyncLock, newHolder, releaseSyncLock } from '../store/sync-lock.js';
import type { CentralClient } from './client.js';
import { pullRegistry } from './pull-registry.js';
import { pushEvents } from './push-events.js';
import { SYNC_BACKOFF, withBackoff } from './backoff.js';

/**
 * Sends one queued renewal request and stores the checked certificate: null while the centre stays
 * out of reach, SERVER_REJECTED when it refuses. The renewal room provides it (checking what the
 * centre issued is its job), so sync stands below renewal and never imports it.
 */
export type AnswerRenewal = (record: RenewalRecord) => Promise<unknown>;

export interface SyncContext {
  readonly db: Store;
  readonly client: CentralClient;
  /** The centre's URL, for error messages. */
  readonly server: string;
  readonly clock: () => Date;
  readonly answerRenewal: AnswerRenewal;
}

/** The `capbu sync --json` shape: a contract scripts rely on. */
export interface SyncReport {
  readonly renewalsSent: number;
  readonly eventsSent: number;
  readonly acknowledgedSeq: number;
  readonly registryVersion: number;
  readonly eventsPending: number;
  readonly renewalsPending: number;
}

export interface SyncRound extends SyncReport {
  /** False when the centre stayed out of reach at some step; what follows it was not tried. */
  readonly reachable: boolean;
  /** Renewals the centre refused this round: old serial and its codes. */
  readonly refused: readonly { readonly oldSerial: string; readonly codes: string }[];
  readonly issued: number;
  /** Registry rows the pull brought, or null when it was not reached. */
  readonly registryChanged: number | null;
}

function unreachable(error: unknown): boolean {
  return error instanceof CapbuError && error.code === 'SERVER_UNREACHABLE';
}

export async function syncRound(ctx: SyncContext, options: { readonly stopping?: () => boolean } = {}): Promise<SyncRound> {
  const holder = newHolder();
  if (!acquireSyncLock(ctx.db, holder)) throw new CapbuError('SYNC_BUSY');
  const stopping = options.stopping ?? (() => false);
  const stillHolding = () => acquireSyncLock(ctx.db, holder);
  let issued = 0;
  let answered = 0;
  let eventsSent = 0;
  let reachable = true;
  let registryChanged: number | null = null;
  const refused: { oldSerial: string; codes: string }[] = [];
  try {
    for (const record of unansweredRenewals(ctx.db)) {
      if (stopping() || !stillHolding()) break;
      try {
        const reply = await ctx.answerRenewal(record);
        if (!reply) {
          reachable = false;
          break;
        }
        issued++;
        answered++;
      } catch (error) {
        if (!(error instanceof CapbuError) || error.code !== 'SERVER_REJECTED') throw error;
        answered++;
        refused.push({ oldSerial: record.oldSerial, codes: String(error.details.codes) });
      }
    }
    const push = () => pushEvents(ctx.db, ctx.client, { server: ctx.server, now: ctx.clock, stopping, stillHolding });
    try {
      if (reachable) eventsSent += (await push()).sent;
      if (reachable && !stopping()) {
        registryChanged = (await withBackoff(() => pullRegistry(ctx.db, ctx.client, ctx.clock()), SYNC_BACKOFF, { server: ctx.server })).changed;
        // What the steps above journaled (renewal.issued, registry.pulled) goes too.
        eventsSent += (await push()).sent;
      }
    } catch (error) {
      if (!unreachable(error)) throw error;
      reachable = false;
    }
  } finally {
    releaseSyncLock(ctx.db, holder);
  }
  const events = unsentEvents(ctx.db);
  return {
    renewalsSent: answered,
    eventsSent,
    acknowledgedSeq: acknowledgedSeq(ctx.db),
    registryVersion: registryCopy(ctx.db).version,
    eventsPending: events.count,
    renewalsPending: renewalBacklog(ctx.db).count,
    reachable,
    refused,
    issued,
    registryChanged,
  };
}

/** The centre was reached and nothing waits to be sent: `capbu sync` exits 0 only then. */
export function allSent(round: SyncRound): boolean {
  return round.reachable && round.eventsPending === 0 && round.renewalsPending === 0;
}
