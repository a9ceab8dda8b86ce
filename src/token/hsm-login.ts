/**
 * C_Login on a service's own token (the CA's HSM). None of the customer-PIN rules apply here:
 * those protect a customer's tries and live in the PIN guard (src/renewal/pin-guard.ts); an HSM
 * PIN is the operator's, has the HSM's own rules, and a wrong one simply stops the service.
 */
import { CKR, failedWith, fromPkcs11 } from './errors.js';
import { pkcs11js } from './module.js';
import type { Session } from './session.js';

export function loginToHsm(session: Session, pin: string): void {
  try {
    session.lib.C_Login(session.handle, pkcs11js.CKU_USER, pin);
  } catch (error) {
    // Login is per token: the service's second session finds the first one's login.
    if (!failedWith(error, CKR.USER_ALREADY_LOGGED_IN)) throw fromPkcs11(error);
  }
  session.loggedIn = true;
}
