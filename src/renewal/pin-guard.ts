/**
 * The kiosk's own PIN safety on top of what the token reports: tokens that never update their
 * retry flags still get the final-try warning, from the wrong PINs counted in the store.
 */
import { CapbuError, isCapbuError } from '../errors.js';
import { pinFailures, recordPinFailure, resetPinFailures } from '../store/pin-failures.js';
import type { Store } from '../store/store.js';
import type { Pin } from '../token/pin.js';
import { login, type Session } from '../token/session.js';

export interface PinPolicy {
  /** Wrong PINs after which the kiosk takes the token for locked (Viettel-CA tokens: 5). */
  readonly limit: number;
  readonly finalTryConfirmed: boolean;
  /** Who is at the kiosk, for the journal's pin.failed. */
  readonly operator?: string | null;
}

/** One login, never retried; the PIN is gone from the holder once tried. */
export function guardedLogin(db: Store, session: Session, pin: Pin, policy: PinPolicy, now: Date): void {
  const serial = session.token.serial;
  const failures = pinFailures(db, serial);
  if (session.token.pin.locked || failures >= policy.limit) throw new CapbuError('PIN_LOCKED');
  if (failures === policy.limit - 1 && !policy.finalTryConfirmed) {
    throw new CapbuError('FINAL_TRY_NEEDS_CONFIRMATION', { counted: failures });
  }
  try {
    login(session, pin, { finalTryConfirmed: policy.finalTryConfirmed });
  } catch (error) {
    if (isCapbuError(error, 'PIN_INCORRECT')) {
      const token = error.details.finalTry ? 'final-try' : error.details.countLow ? 'count-low' : null;
      const count = recordPinFailure(db, { tokenSerial: serial, token, limit: policy.limit, operator: policy.operator ?? null }, now);
      throw new CapbuError('PIN_INCORRECT', { ...error.details, remaining: Math.max(policy.limit - count, 0) });
    }
    throw error;
  }
  resetPinFailures(db, serial);
}
