/**
 * Hands the journal to the centre: unsent events in seq order, in batches, each marked sent only
 * once the centre acknowledges it. A cut anywhere (before the batch arrives, after it is stored but
 * before the reply) costs at most a resend of that batch, which the centre takes as harmless.
 */
import { EVENTS_PER_BATCH, type EventsRequest } from '../central/api.js';
import { eventLine, type JournalEvent } from '../journal/format.js';
import { recordCentreClock } from '../store/centre-clock.js';
import { acknowledgedSeq, eventsSince, lastSeq, recordAcknowledged } from '../store/journal.js';
import type { Store } from '../store/store.js';
import { SYNC_BACKOFF, withBackoff, type Backoff } from './backoff.js';
import type { Replied } from './client.js';

export interface EventSender {
  events(events: EventsRequest['events']): Promise<Replied<{ acknowledgedSeq: number }>>;
}

export interface PushOptions {
  readonly server: string;
  readonly now: () => Date;
  readonly batch?: number;
  readonly backoff?: Backoff;
  readonly wait?: (ms: number) => Promise<void>;
  /** Asked between batches: a stop request ends the push after the batch in flight. */
  readonly stopping?: () => boolean;
  /** Asked before each batch: false when this process no longer holds the sync lock. */
  readonly stillHolding?: () => boolean;
}

export interface EventPush {
  /** Events the centre newly acknowledged during this push. */
  readonly sent: number;
  readonly acknowledgedSeq: number;
}

/** Well under the centre's default body limit (256 KiB), whatever the events carry. */
const BATCH_BYTES = 192 * 1024;

function withinBytes(events: JournalEvent[]): JournalEvent[] {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    bytes += Buffer.byteLength(eventLine(events[i]!)) + 1;
    // The first always goes: one event is far below the limit (its data is bounded at 16 KiB).
    if (bytes > BATCH_BYTES && i > 0) return events.slice(0, i);
  }
  return events;
}

export async function pushEvents(db: Store, client: EventSender, options: PushOptions): Promise<EventPush> {
  const size = options.batch ?? EVENTS_PER_BATCH;
  let sent = 0;
  let acked = acknowledgedSeq(db);
  // A centre that keeps acknowledging less than it was sent is not making progress: stop, do not spin.
  let setbacks = 0;
  while (!options.stopping?.() && options.stillHolding?.() !== false) {
    const batch = withinBytes(eventsSince(db, acked, size));
    if (batch.length === 0) break;
    const reply = await withBackoff(() => client.events(batch), options.backoff ?? SYNC_BACKOFF, { server: options.server, wait: options.wait });
    const at = options.now();
    if (reply.time.skewMs !== null) recordCentreClock(db, { skewMs: reply.time.skewMs, observedAt: at });
    // The centre cannot hold more of this kiosk's chain than the kiosk wrote.
    const next = Math.min(reply.acknowledgedSeq, lastSeq(db));
    recordAcknowledged(db, next, at);
    if (next > acked) sent += next - acked;
    else if (++setbacks > 2) break;
    acked = next;
  }
  return { sent, acknowledgedSeq: acked };
}
