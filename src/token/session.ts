/** Sessions and user login, with the PIN rules that protect the customer's token. */
import { CapbuError } from '../errors.js';
import { CKR, fromPkcs11, guard, returnValue } from './errors.js';
import { loadedPath, pkcs11js, type Pkcs11 } from './module.js';
import type { Pin } from './pin.js';
import { loginWithBytes } from './pin-login.js';
import { describeToken, type TokenSummary } from './slots.js';

export interface Session {
  readonly lib: Pkcs11;
  readonly handle: Buffer;
  readonly token: TokenSummary;
  loggedIn: boolean;
}

export function openSession(lib: Pkcs11, token: TokenSummary, readWrite = false): Session {
  const flags = pkcs11js.CKF_SERIAL_SESSION | (readWrite ? pkcs11js.CKF_RW_SESSION : 0);
  const handle = guard(() => lib.C_OpenSession(token.slot, flags));
  return { lib, handle, token, loggedIn: false };
}

/** Logs out (when logged in) and closes; failures here cannot harm anything, so they are dropped. */
export function closeSession(session: Session): void {
  try {
    if (session.loggedIn) session.lib.C_Logout(session.handle);
  } catch {
    // The token may already be gone.
  }
  try {
    session.lib.C_CloseSession(session.handle);
  } catch {
    // Same.
  }
}

/**
 * One C_Login with the user PIN, never retried, the PIN wiped after. It knows nothing of the
 * customer's remaining tries: customer tokens are logged in only through the PIN guard
 * (src/renewal/pin-guard.ts), which decides whether a try may be spent at all. A wrong PIN reports
 * what the token now says about the remaining tries.
 */
export function login(session: Session, pin: Pin): void {
  try {
    pin.use((bytes) => loginWithBytes(loadedPath(session.lib), session.handle, pkcs11js.CKU_USER, bytes));
  } catch (error) {
    const rv = returnValue(error);
    if (rv === CKR.USER_ALREADY_LOGGED_IN) {
      session.loggedIn = true;
      return;
    }
    // Some tokens (Feitian ePass2003) answer a wrong PIN with CKR_GENERAL_ERROR and say no more.
    if (rv === CKR.PIN_INCORRECT || rv === CKR.PIN_LEN_RANGE || rv === CKR.GENERAL_ERROR) {
      const after = describeToken(session.lib, session.token.slot).pin;
      if (after.locked) throw new CapbuError('PIN_LOCKED', {}, { cause: error });
      throw new CapbuError('PIN_INCORRECT', { countLow: after.countLow, finalTry: after.finalTry, unclear: rv === CKR.GENERAL_ERROR }, { cause: error });
    }
    throw fromPkcs11(error);
  }
  session.loggedIn = true;
}
