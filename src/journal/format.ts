/**
 * The journal's event format and hash rule, shared by the kiosk that writes events and the centre
 * that checks them. A contract outside auditors check with their own tools: an event's `hash` is
 * SHA-256 (lowercase hex) over the RFC 8785 canonical JSON (JCS) of the event without `hash`, and
 * `prevHash` is the hash of the event before it (64 zeros for seq 1).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** What the kiosk journals. The TUI emits token.*, operator.* and setting.changed; everything else the commands do. */
export const EVENT_TYPES = [
  'check.decided',
  'pin.failed',
  'renewal.requested',
  'renewal.queued',
  'renewal.issued',
  'renewal.installed',
  'renewal.failed',
  'rollout.overridden',
  'registry.imported',
  'registry.pulled',
  'kiosk.enrolled',
  'token.plugged',
  'token.removed',
  'operator.signedIn',
  'operator.signedOut',
  'setting.changed',
  'error',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ZERO_HASH = '0'.repeat(64);

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type EventData = { [key: string]: JsonValue };

/** An event as hashed: every member but `hash`. */
export interface UnsealedEvent {
  readonly seq: number;
  /** ISO 8601 UTC with milliseconds, as Date#toISOString writes it. */
  readonly at: string;
  readonly type: string;
  readonly operator: string | null;
  readonly data: EventData;
  readonly prevHash: string;
}

export interface JournalEvent extends UnsealedEvent {
  readonly hash: string;
}

/** The JCS text an event's hash is taken over. */
export function canonicalEvent(event: UnsealedEvent): string {
  const { seq, at, type, operator, data, prevHash } = event;
  return canonicalize({ seq, at, type, operator, data, prevHash })!;
}

export function eventHash(event: UnsealedEvent): string {
  return createHash('sha256').update(canonicalEvent(event), 'utf8').digest('hex');
}

export function seal(event: UnsealedEvent): JournalEvent {
  return { ...event, hash: eventHash(event) };
}

/** One event as a line of JSON, exactly the members hashed plus `hash`. */
export function eventLine(event: JournalEvent): string {
  const { seq, at, type, operator, data, prevHash, hash } = event;
  return canonicalize({ seq, at, type, operator, data, prevHash, hash })!;
}

// --- Bounds on what an event may carry (the centre takes events from the network) -------------

export const EVENT_LIMITS = {
  /** Nesting of objects and arrays inside `data`. */
  depth: 8,
  /** Values (of any kind) inside `data`. */
  values: 1_000,
  /** Characters of one string, key or value. */
  string: 4_096,
  /** Characters of `data`'s canonical JSON. */
  bytes: 16_384,
} as const;

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A real instant, written the one way toISOString writes it (so it hashes the same everywhere).
 * Checked on the digits, not by a round trip through Date: the centre asks it of every event it
 * is sent, and the round trip cost twice as much as the rest of the check.
 */
export function isEventTime(at: string): boolean {
  const m = TIME.exec(at);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!);
}

function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/**
 * What is wrong with an event's data, or null. Walks without recursion, so no nesting depth can
 * exhaust the stack before the bound is seen; numbers must be integers JSON carries exactly.
 */
export function dataProblem(data: unknown): string | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'data is not an object';
  const stack: { value: unknown; depth: number }[] = [{ value: data, depth: 1 }];
  let values = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (++values > EVENT_LIMITS.values) return `data holds more than ${EVENT_LIMITS.values} values`;
    if (value === null || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) return 'data holds a number that is not an integer within ±(2^53−1)';
      continue;
    }
    if (typeof value === 'string') {
      if (value.length > EVENT_LIMITS.string) return `data holds a string longer than ${EVENT_LIMITS.string}`;
      if (hasLoneSurrogate(value)) return 'data holds a string that is not valid Unicode';
      continue;
    }
    if (typeof value !== 'object') return `data holds a ${typeof value}`;
    if (depth > EVENT_LIMITS.depth) return `data is nested deeper than ${EVENT_LIMITS.depth}`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return 'data holds a non-plain object';
    for (const [key, item] of Object.entries(value)) {
      if (key.length > EVENT_LIMITS.string || hasLoneSurrogate(key)) return 'data holds a key that is too long or not valid Unicode';
      stack.push({ value: item, depth: depth + 1 });
    }
  }
  // As long as its canonical JSON: with integers only, JCS differs from JSON.stringify in key order alone.
  if (JSON.stringify(data).length > EVENT_LIMITS.bytes) return `data is longer than ${EVENT_LIMITS.bytes} characters`;
  return null;
}

// --- Walking a chain ----------------------------------------------------------------------------

export const CHAIN_PROBLEMS = ['edited', 'missing', 'inserted', 'out-of-order'] as const;
export type ChainProblem = (typeof CHAIN_PROBLEMS)[number];

export interface ChainVerdict {
  readonly ok: boolean;
  readonly events: number;
  readonly firstBad: number | null;
  readonly problem: ChainProblem | null;
}

/** An event as read back from storage: its data may no longer parse. */
export interface StoredEvent extends Omit<JournalEvent, 'data'> {
  readonly data: EventData | undefined;
}

function hashOrNull(event: StoredEvent, seq = event.seq): string | null {
  if (event.data === undefined) return null;
  try {
    return eventHash({ ...event, data: event.data, seq });
  } catch {
    // Data canonicalize cannot write (nested past the stack) matches no hash: the event reads as edited.
    return null;
  }
}

/**
 * Walks events in the order they were written, from seq 1. The first event that breaks the chain
 * is named with what happened to it: its content no longer matches its hash (edited); a seq is
 * absent (missing); an event that does not link to the one before, or that pushed the rest one
 * place on (inserted); a seq written after a later one (out-of-order). `expectedLast` is a seq
 * known to exist (the centre acknowledged it), so a cut-off tail is missing too.
 */
export function verifyChain(written: Iterable<StoredEvent>, expectedLast = 0): ChainVerdict {
  const rows = [...written];
  const seqs = new Set(rows.map((r) => r.seq));
  const bad = (firstBad: number, problem: ChainProblem): ChainVerdict => ({ ok: false, events: rows.length, firstBad, problem });
  let expected = 1;
  let prevHash = ZERO_HASH;
  for (const row of rows) {
    if (row.seq < expected) return bad(row.seq, 'out-of-order');
    if (row.seq > expected) {
      if (!seqs.has(expected)) return bad(expected, 'missing');
      // The seq it skips was written later: an event slipped in (the rest renumbered), or a swap.
      return bad(expected, hashOrNull(row, row.seq - 1) === row.hash ? 'inserted' : 'out-of-order');
    }
    if (hashOrNull(row) !== row.hash) {
      // Renumbered by one, with its content intact: an event was slipped in before it, or taken out.
      if (hashOrNull(row, row.seq - 1) === row.hash) return bad(row.seq - 1, 'inserted');
      if (hashOrNull(row, row.seq + 1) === row.hash) return bad(row.seq, 'missing');
      return bad(row.seq, 'edited');
    }
    if (row.prevHash !== prevHash) return bad(row.seq, 'inserted');
    prevHash = row.hash;
    expected += 1;
  }
  if (expectedLast >= expected) return bad(expected, 'missing');
  return { ok: true, events: rows.length, firstBad: null, problem: null };
}
