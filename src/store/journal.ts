/**
 * The kiosk's hash-chained journal: append-only, one row per event, written in the same SQLite
 * transaction as the state change it describes (the store commits with synchronous = FULL, so an
 * event is on disk before the action is reported done). The format is src/journal/format.ts.
 */
import type Database from 'better-sqlite3';
import { CapbuError } from '../errors.js';
import type { DataOf } from '../journal/events.js';
import {
  dataProblem,
  seal,
  verifyChain,
  ZERO_HASH,
  type ChainVerdict,
  type EventData,
  type EventType,
  type JournalEvent,
  type StoredEvent,
} from '../journal/format.js';
import type { Store } from './store.js';

export interface Entry<T extends EventType> {
  readonly type: T;
  /** Who was at the kiosk; null when nobody is known (a background sync, say). */
  readonly operator: string | null;
  readonly data: DataOf<T>;
  readonly at: Date;
}

/** A journal row as SQLite holds it. */
export interface JournalRow {
  seq: number;
  at: string;
  type: string;
  operator: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

interface Statements {
  readonly last: Database.Statement;
  readonly insert: Database.Statement;
  readonly since: Database.Statement;
  readonly written: Database.Statement;
  readonly acknowledged: Database.Statement;
  readonly count: Database.Statement;
  readonly oldestAfter: Database.Statement;
}

const statements = new WeakMap<Store, Statements>();

function q(db: Store): Statements {
  let s = statements.get(db);
  if (!s) {
    s = {
      last: db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1'),
      insert: db.prepare('INSERT INTO journal (seq, at, type, operator, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      since: db.prepare('SELECT * FROM journal WHERE seq > ? ORDER BY seq LIMIT ?'),
      written: db.prepare('SELECT * FROM journal ORDER BY id'),
      acknowledged: db.prepare('SELECT acknowledged_seq FROM journal_sync WHERE id = 1').pluck(),
      count: db.prepare('SELECT COUNT(*) FROM journal WHERE seq > ?').pluck(),
      oldestAfter: db.prepare('SELECT at FROM journal WHERE seq > ? ORDER BY seq LIMIT 1').pluck(),
    };
    statements.set(db, s);
  }
  return s;
}

/**
 * Appends one event and returns it sealed. Inside a transaction it joins it (the caller's state
 * change and the event commit together); alone it takes the write lock first, so two processes
 * appending at once queue instead of racing for the same seq.
 */
export function appendEvent<T extends EventType>(db: Store, entry: Entry<T>): JournalEvent {
  const write = (): JournalEvent => {
    const data = entry.data as unknown as EventData;
    const problem = dataProblem(data);
    if (problem) throw new CapbuError('INTERNAL', { message: `journal event ${entry.type}: ${problem}` });
    const last = q(db).last.get() as { seq: number; hash: string } | undefined;
    const event = seal({
      seq: (last?.seq ?? 0) + 1,
      at: entry.at.toISOString(),
      type: entry.type,
      operator: entry.operator,
      data,
      prevHash: last?.hash ?? ZERO_HASH,
    });
    q(db).insert.run(event.seq, event.at, event.type, event.operator, JSON.stringify(event.data), event.prevHash, event.hash);
    return event;
  };
  return db.inTransaction ? write() : db.transaction(write).immediate();
}

/** A state change and the events that describe it, committed together or not at all. */
export function journaled<R>(db: Store, change: () => R): R {
  return db.inTransaction ? change() : db.transaction(change).immediate();
}

function stored(row: JournalRow): StoredEvent {
  let data: EventData | undefined;
  try {
    const parsed: unknown = JSON.parse(row.data);
    data = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as EventData) : undefined;
  } catch {
    // Data that no longer parses was edited in the file: verifyChain names it so.
    data = undefined;
  }
  return { seq: row.seq, at: row.at, type: row.type, operator: row.operator, data, prevHash: row.prev_hash, hash: row.hash };
}

/**
 * A bound on an event's size as JSON, from its row: the stored data is already JSON, type and
 * operator are written as JSON writes them, and the rest (names, seq, time, hashes, the comma
 * between events) takes under 256 bytes.
 */
function rowBytes(row: JournalRow): number {
  return Buffer.byteLength(row.data) + Buffer.byteLength(JSON.stringify(row.type)) + Buffer.byteLength(JSON.stringify(row.operator)) + 256;
}

/**
 * Events after `since`, in seq order, at most `limit`; with `maxBytes`, only as many as fit in
 * that much JSON (always at least one).
 */
export function eventsSince(db: Store, since: number, limit: number, maxBytes = Infinity): JournalEvent[] {
  const rows = q(db).since.all(since, limit) as JournalRow[];
  let bytes = 0;
  const fit = rows.findIndex((row, i) => (bytes += rowBytes(row)) > maxBytes && i > 0);
  return (fit < 0 ? rows : rows.slice(0, fit)).map((row) => {
    const event = stored(row);
    return { ...event, data: event.data ?? {} };
  });
}

export function verifyJournal(db: Store): ChainVerdict {
  return verifyChain((q(db).written.all() as JournalRow[]).map(stored), acknowledgedSeq(db));
}

// --- What the centre has --------------------------------------------------------------------------

export function acknowledgedSeq(db: Store): number {
  return (q(db).acknowledged.get() as number | undefined) ?? 0;
}

export interface Backlog {
  readonly count: number;
  /** When the oldest unsent event happened, or null when none waits. */
  readonly oldestAt: Date | null;
}

export function unsentEvents(db: Store): Backlog {
  const acked = acknowledgedSeq(db);
  const oldest = q(db).oldestAfter.get(acked) as string | undefined;
  return { count: q(db).count.get(acked) as number, oldestAt: oldest ? new Date(oldest) : null };
}

/**
 * Records the centre's acknowledgement: events up to `seq` are stored there. It may go down (a
 * centre restored from a backup): the kiosk then sends again from there.
 */
export function recordAcknowledged(db: Store, seq: number, at: Date): void {
  db.prepare('UPDATE journal_sync SET acknowledged_seq = ?, last_contact_at = ? WHERE id = 1').run(seq, at.toISOString());
}

export function recordContact(db: Store, at: Date): void {
  db.prepare('UPDATE journal_sync SET last_contact_at = ? WHERE id = 1').run(at.toISOString());
}

export function lastContact(db: Store): Date | null {
  const at = db.prepare('SELECT last_contact_at FROM journal_sync WHERE id = 1').pluck().get() as string | null | undefined;
  return at ? new Date(at) : null;
}

/** The highest seq written, 0 for an empty journal. */
export function lastSeq(db: Store): number {
  return (q(db).last.get() as { seq: number } | undefined)?.seq ?? 0;
}
