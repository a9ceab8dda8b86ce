/** The last difference seen between the centre's clock and the kiosk's. */
import type { Store } from './store.js';

export interface ClockObservation {
  /** centre − kiosk, in milliseconds. */
  readonly skewMs: number;
  /** The kiosk's time when the reply came. */
  readonly observedAt: Date;
}

export function recordCentreClock(db: Store, observation: ClockObservation): void {
  db.prepare(
    `INSERT INTO centre_clock (id, skew_ms, observed_at) VALUES (1, ?, ?)
     ON CONFLICT(id) DO UPDATE SET skew_ms = excluded.skew_ms, observed_at = excluded.observed_at`,
  ).run(Math.round(observation.skewMs), observation.observedAt.toISOString());
}

export function lastCentreClock(db: Store): ClockObservation | null {
  const row = db.prepare('SELECT skew_ms, observed_at FROM centre_clock WHERE id = 1').get() as
    | { skew_ms: number; observed_at: string }
    | undefined;
  return row ? { skewMs: row.skew_ms, observedAt: new Date(row.observed_at) } : null;
}
