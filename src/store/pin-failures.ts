/**
 * Wrong PINs counted per token serial. Some tokens (Feitian ePass2003 among them) never update
 * their retry flags, and Viettel-CA tokens lock after five wrong PINs: this count is what lets
 * capbu warn before the last try on those.
 */
import type { Store } from './store.js';

export function pinFailures(db: Store, tokenSerial: string): number {
  return (db.prepare('SELECT count FROM pin_failures WHERE token_serial = ?').pluck().get(tokenSerial) as number | undefined) ?? 0;
}

export function recordPinFailure(db: Store, tokenSerial: string, at: Date): number {
  db.prepare(
    `INSERT INTO pin_failures (token_serial, count, updated_at) VALUES (?, 1, ?)
     ON CONFLICT(token_serial) DO UPDATE SET count = count + 1, updated_at = excluded.updated_at`,
  ).run(tokenSerial, at.toISOString());
  return pinFailures(db, tokenSerial);
}

export function resetPinFailures(db: Store, tokenSerial: string): void {
  db.prepare('DELETE FROM pin_failures WHERE token_serial = ?').run(tokenSerial);
}
