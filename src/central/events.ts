/**
 * What the centre does with a batch of a kiosk's journal events before storing any of it: each
 * event checked on its own (time, bounds, hash), then against the chain already stored for that
 * kiosk. Either the whole batch is acceptable, or nothing of it is stored. Pure: the store fetches
 * the stored neighbours and writes what this returns.
 */
import { CapbuError } from '../errors.js';
import { dataProblem, eventHash, isEventTime, ZERO_HASH, type EventData, type JournalEvent } from '../journal/format.js';
import { EVENTS_PER_BATCH, type KioskEvent } from './api.js';

/** What the centre keeps of a stored event to check links against it. */
export interface StoredLink {
  readonly seq: number;
  readonly hash: string;
  readonly prevHash: string;
}

/** The seqs whose stored events a batch must be checked against: [from, to]. */
export interface Neighbourhood {
  readonly from: number;
  readonly to: number;
}

/**
 * Each event as it stands alone: REQUEST_INVALID for a bad time or data beyond the bounds,
 * EVENT_HASH_INVALID for content that does not match its hash. Returns the batch in seq order.
 */
export function checkEvents(events: readonly KioskEvent[]): JournalEvent[] {
  for (const e of events) {
    if (!isEventTime(e.at)) throw new CapbuError('REQUEST_INVALID', { problem: `event ${e.seq}: at is not an ISO 8601 UTC time with milliseconds` });
    const problem = dataProblem(e.data);
    if (problem) throw new CapbuError('REQUEST_INVALID', { problem: `event ${e.seq}: ${problem}` });
  }
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const span = sorted.at(-1)!.seq - sorted[0]!.seq;
  // A kiosk sends runs of consecutive events; a batch spread wider would make the centre read far.
  if (span >= EVENTS_PER_BATCH) throw new CapbuError('REQUEST_INVALID', { problem: `a batch spans ${span + 1} seqs, at most ${EVENTS_PER_BATCH}` });
  for (const e of sorted) {
    if (eventHash({ ...e, data: e.data as EventData }) !== e.hash) throw new CapbuError('EVENT_HASH_INVALID', { seq: e.seq });
  }
  return sorted as JournalEvent[];
}

export function neighbourhood(sorted: readonly JournalEvent[]): Neighbourhood {
  return { from: sorted[0]!.seq - 1, to: sorted.at(-1)!.seq + 1 };
}

/**
 * Against the stored chain: the events to insert (resends of stored events are dropped), or
 * CHAIN_CONFLICT for a seq stored with another hash or a link that does not hold either way.
 */
export function eventsToStore(sorted: readonly JournalEvent[], stored: ReadonlyMap<number, StoredLink>): JournalEvent[] {
  const known = new Map(stored);
  const insert: JournalEvent[] = [];
  const conflict = (seq: number, problem: string) => new CapbuError('CHAIN_CONFLICT', { seq, problem });
  for (const e of sorted) {
    const same = known.get(e.seq);
    if (same) {
      if (same.hash !== e.hash) throw conflict(e.seq, 'another event is stored under this seq');
      continue;
    }
    const before = e.seq === 1 ? { hash: ZERO_HASH } : known.get(e.seq - 1);
    if (before && before.hash !== e.prevHash) throw conflict(e.seq, 'prevHash is not the hash of the event before');
    const after = known.get(e.seq + 1);
    if (after && after.prevHash !== e.hash) throw conflict(e.seq, 'the event after does not link to it');
    known.set(e.seq, e);
    insert.push(e);
  }
  return insert;
}

/** Missing ranges [from, to] below the highest stored seq, from a kiosk's stored seqs in order. */
export function gapsIn(seqs: Iterable<number>): [number, number][] {
  const gaps: [number, number][] = [];
  let expected = 1;
  for (const seq of seqs) {
    if (seq > expected) gaps.push([expected, seq - 1]);
    expected = seq + 1;
  }
  return gaps;
}
