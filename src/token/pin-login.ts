/**
 * C_Login with the customer's PIN as bytes, never as a JavaScript string. pkcs11js takes the PIN
 * only as a string, and a string cannot be wiped: V8 keeps its characters in heap pages that
 * outlive it (on Node 24 even the pages of a finished worker thread stay readable in V8's
 * process-wide page pool for seconds, and the main isolate may take them over). So the login
 * calls the module's own C_Login through its function list (koffi, a C FFI), handing it a pointer
 * to the caller's buffer, which the caller then zeroes.
 *
 * The module is the one pkcs11js loaded: the dynamic loader hands back the same library for the
 * same path, so the session handle and the login state (which belongs to the token, not to a
 * session) are shared with pkcs11js's calls.
 */
import type * as Koffi from 'koffi';
import { koffi, moduleFunction } from './ffi.js';
import { pkcs11js } from './module.js';

let login: Koffi.TypeObject | null = null;

/** One C_Login with `pin`; throws a Pkcs11Error as pkcs11js would have. Zeroing `pin` is the caller's. */
export function loginWithBytes(modulePath: string, session: Buffer, userType: number, pin: Buffer): void {
  const k = koffi();
  login ??= k.proto('unsigned long CK_C_Login(unsigned long session, unsigned long userType, const uint8_t *pin, unsigned long pinLen)');
  const cLogin = moduleFunction(modulePath, 'C_Login');
  // pkcs11js keeps a CK_SESSION_HANDLE (a CK_ULONG) as its native bytes.
  const handle = session.length === 8 ? session.readBigUInt64LE(0) : session.readUInt32LE(0);
  const rv = Number(k.call(cLogin, login, handle, userType, pin, pin.length));
  if (rv !== 0) throw new pkcs11js.Pkcs11Error(`C_Login failed: ${rv}`, rv, 'C_Login');
}
