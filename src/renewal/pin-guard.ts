/**
 * The one way capbu logs in to a customer's token. Every command and screen goes through here, so
 * no path can spend a try the kiosk could have refused: a PIN the token cannot accept (length,
 * characters), a locked token, or the final try without the operator's confirmation. The kiosk's
 * own count of wrong PINs backs the token's flags, which some tokens never update.
 */
import { CapbuError, isCapbuError } from '../errors.js';
import { pinFailures, recordPinFailure, resetPinFailures } from '../store/pin-failures.js';
import type { Store } from '../store/store.js';
import type { Pin } from '../token/pin.js';
import { login, type Session } from '../token/session.js';
import { describeToken, type PinFlags, type PinLength, type TokenSummary } from '../token/slots.js';

export interface PinPolicy {
  /** Wrong PINs after which the kiosk takes the token for locked (Viettel-CA tokens: 5). */
  readonly limit: number;
  readonly finalTryConfirmed: boolean;
  /** Who is at the kiosk, for the journal's pin.failed. */
  readonly operator?: string | null;
}

/** Viettel-CA's user PIN rule, for a token that reports no usable limits of its own. */
export const VIETTEL_PIN_LENGTH: PinLength = { min: 8, max: 64 };

/** Why a PIN cannot be tried on a token, decided without logging in. */
export type PinProblem =
  | { readonly reason: 'length'; readonly min: number; readonly max: number }
  | { readonly reason: 'characters' };

export function pinProblem(token: TokenSummary, pin: Pin): PinProblem | null {
  // Characters first: a Vietnamese input method left on also changes the length.
  if (!pin.printable()) return { reason: 'characters' };
  const { min, max } = token.pinLength ?? VIETTEL_PIN_LENGTH;
  if (pin.length < Math.max(min, 1) || pin.length > max) return { reason: 'length', min, max };
  return null;
}

export interface PinTries {
  /** Wrong PINs the kiosk counted on this token since its last good login. */
  readonly counted: number;
  /** Tries left by the kiosk's count (the token's flags may say fewer: see finalTry). */
  readonly remaining: number;
  /** What the token itself reports. */
  readonly token: PinFlags;
  /** No try may be spent: the token says locked, or the kiosk counted the limit. */
  readonly locked: boolean;
  /** The next wrong PIN locks the token, by its flags or by the kiosk's count. */
  readonly finalTry: boolean;
}

export function pinTries(db: Store, token: TokenSummary, limit: number): PinTries {
  const counted = pinFailures(db, token.serial);
  const remaining = Math.max(limit - counted, 0);
  return {
    counted,
    remaining,
    token: token.pin,
    locked: token.pin.locked || remaining === 0,
    finalTry: token.pin.finalTry || remaining === 1,
  };
}

/**
 * One login, never retried, on the token as it reports itself now. The PIN is wiped whatever
 * happens: tried once or refused, it is of no further use.
 */
export function guardedLogin(db: Store, session: Session, pin: Pin, policy: PinPolicy, now: Date): void {
  try {
    const token = describeToken(session.lib, session.token.slot);
    const tries = pinTries(db, token, policy.limit);
    if (tries.locked) throw new CapbuError('PIN_LOCKED');
    const problem = pinProblem(token, pin);
    if (problem) throw new CapbuError('PIN_INVALID', problem.reason === 'length' ? { min: problem.min, max: problem.max } : {});
    if (tries.finalTry && !policy.finalTryConfirmed) {
      throw new CapbuError('FINAL_TRY_NEEDS_CONFIRMATION', tries.token.finalTry ? {} : { counted: tries.counted });
    }
    try {
      login(session, pin);
    } catch (error) {
      if (isCapbuError(error, 'PIN_INCORRECT')) {
        const flags = error.details.finalTry ? 'final-try' : error.details.countLow ? 'count-low' : null;
        const count = recordPinFailure(db, { tokenSerial: token.serial, token: flags, limit: policy.limit, operator: policy.operator ?? null }, now);
        throw new CapbuError('PIN_INCORRECT', { ...error.details, remaining: Math.max(policy.limit - count, 0) });
      }
      throw error;
    }
    resetPinFailures(db, token.serial);
  } finally {
    pin.wipe();
  }
}
