/**
 * Hands the journal to the centre: unsent events in seq order, in batches, each marked sent only
 * once the centre acknowledges it. A cut anywhere (before the batch arrives, after it is stored but
 * before the reply) costs at most a resend of that batch, which the centre takes as harmless.
 */
import { EVENTS_PER_BATCH, type EventsRequest } from '../central/api.js';
import { recordCentreClock } from '../store/centre-clock.js';
import type { JournalEvent } from '../journal/format.js';
import { acknowledgedSeq, eventsSince, lastSeq, recordAcknowledged } from '../store/journal.js';
import { commitUndurably, type Store } from '../store/store.js';
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

/** Lets a request just started go out before the loop is busy with the next one. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Sends batch after batch, one at a time, so the centre sees the chain in order. The kiosk does
 * its own work while the centre does its: it sends the next batch as soon as a reply comes, then
 * records that reply (a durable commit) and reads the batch after, while the centre stores.
 */
export async function pushEvents(db: Store, client: EventSender, options: PushOptions): Promise<EventPush> {
  const size = options.batch ?? EVENTS_PER_BATCH;
  const read = (after: number) => eventsSince(db, after, size, BATCH_BYTES);
  const goOn = () => !options.stopping?.() && options.stillHolding?.() !== false;
  const send = (batch: JournalEvent[]) => {
    const reply = withBackoff(() => client.events(batch), options.backoff ?? SYNC_BACKOFF, { server: options.server, wait: options.wait });
    // Awaited below; until then a failure must not count as unhandled.
    reply.catch(() => undefined);
    return { reply, end: batch.at(-1)!.seq };
  };
  // One commit per batch for what its reply told; not waiting for the disk, which would hold up
  // the next batch at every reply.
  const record = (told: { reply: Replied<{ acknowledgedSeq: number }>; seq: number; at: Date }) =>
    commitUndurably(db, () => {
      if (told.reply.time.skewMs !== null) recordCentreClock(db, { skewMs: told.reply.time.skewMs, observedAt: told.at });
      recordAcknowledged(db, told.seq, told.at);
    });
  let sent = 0;
  let acked = acknowledgedSeq(db);
  // A centre that keeps acknowledging less than it was sent is not making progress: stop, do not spin.
  let setbacks = 0;
  const first = goOn() ? read(acked) : [];
  let inFlight = first.length > 0 ? send(first) : null;
  let unrecorded: Parameters<typeof record>[0] | null = null;
  while (inFlight) {
    // The batch is on its way: record the reply before it, and read ahead as if the centre takes
    // this batch whole.
    await yieldToLoop();
    if (unrecorded) record(unrecorded);
    unrecorded = null;
    const ahead = read(inFlight.end);
    const reply = await inFlight.reply;
    // The centre cannot hold more of this kiosk's chain than the kiosk wrote.
    const next = Math.min(reply.acknowledgedSeq, lastSeq(db));
    if (next > acked) sent += next - acked;
    else setbacks++;
    const batch = next === inFlight.end ? ahead : read(next);
    inFlight = batch.length > 0 && setbacks <= 2 && goOn() ? send(batch) : null;
    unrecorded = { reply, seq: next, at: options.now() };
    acked = next;
  }
  if (unrecorded) record(unrecorded);
  return { sent, acknowledgedSeq: acked };
}
