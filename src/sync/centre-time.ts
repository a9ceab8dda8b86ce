/**
 * Which time the kiosk decides with. A kiosk whose clock is more than five minutes off the
 * centre's warns its operator and, while it is online (it heard from the centre lately), decides
 * with the centre's time; offline, its own clock is all it has.
 */
import type { ClockObservation } from '../store/centre-clock.js';

/** Beyond this the kiosk's clock is wrong enough to warn about. */
export const CLOCK_SKEW_WARNING_MS = 5 * 60 * 1000;

/** How long after the centre's last reply the kiosk still counts as online. */
export const ONLINE_WINDOW_MS = 15 * 60 * 1000;

export interface DecisionTime {
  readonly now: Date;
  /** The kiosk's clock is off by more than five minutes: tell the operator. */
  readonly clockWarning: boolean;
}

export function decisionTime(kioskNow: Date, last: ClockObservation | null): DecisionTime {
  if (!last || Math.abs(kioskNow.getTime() - last.observedAt.getTime()) > ONLINE_WINDOW_MS) {
    return { now: kioskNow, clockWarning: false };
  }
  if (Math.abs(last.skewMs) <= CLOCK_SKEW_WARNING_MS) return { now: kioskNow, clockWarning: false };
  return { now: new Date(kioskNow.getTime() + last.skewMs), clockWarning: true };
}
