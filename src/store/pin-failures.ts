/**
 * Wrong PINs counted per token serial. Some tokens (Feitian ePass2003 among them) never update
 * their retry flags, and Viettel-CA tokens lock after five wrong PINs: this count is what lets
 * capbu warn before the last try on those.
 */
import type { DataOf } from '../journal/events.js';
import { appendEvent, journaled } from './journal.js';
import type { Store } from './store.js';

export function pinFailures(db: Store, tokenSerial: string): number {
  return (db.prepare('SELECT count FROM pin_failures WHERE token_serial = ?').pluck().get(tokenSerial) as number | undefined) ?? 0;
}

export interface PinFailure {
  readonly tokenSerial: string;
  /** What the token's flags said after the wrong PIN. */
  readonly token: DataOf<'pin.failed'>['token'];
  /** Wrong PINs after which the kiosk takes the token for locked. */
  readonly limit: number;
  readonly operator: string | null;
}

/** Counts one wrong PIN and journals pin.failed with it; returns the new count. */
export function recordPinFailure(db: Store, failure: PinFailure, at: Date): number {
  return journaled(db, () => {
    db.prepare(
      `INSERT INTO pin_failures (token_serial, count, updated_at) VALUES (?, 1, ?)
       ON CONFLICT(token_serial) DO UPDATE SET count = count + 1, updated_at = excluded.updated_at`,
    ).run(failure.tokenSerial, at.toISOString());
    const count = pinFailures(db, failure.tokenSerial);
    appendEvent(db, {
      type: 'pin.failed',
      operator: failure.operator,
      data: { tokenSerial: failure.tokenSerial, token: failure.token, kioskRemaining: Math.max(failure.limit - count, 0) },
      at,
    });
    return count;
  });
}

export function resetPinFailures(db: Store, tokenSerial: string): void {
  db.prepare('DELETE FROM pin_failures WHERE token_serial = ?').run(tokenSerial);
}
