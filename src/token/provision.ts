/** Making a fresh token in a module's free slot: for the demo world and throw-away test tokens. */
import { CapbuError } from '../errors.js';
import { guard } from './errors.js';
import { pkcs11js, type Pkcs11 } from './module.js';
import { listTokens, type TokenSummary } from './slots.js';

export interface NewToken {
  readonly label: string;
  readonly soPin: string;
  readonly userPin: string;
}

export function initToken(lib: Pkcs11, spec: NewToken): TokenSummary {
  const free = guard(() => lib.C_GetSlotList(true)).find(
    (slot) => (guard(() => lib.C_GetTokenInfo(slot)).flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0,
  );
  if (!free) throw new CapbuError('TOKEN_ERROR', { ckr: 'NO_FREE_SLOT' });
  guard(() => lib.C_InitToken(free, spec.soPin, spec.label.padEnd(32)));
  const session = guard(() => lib.C_OpenSession(free, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION));
  try {
    guard(() => lib.C_Login(session, pkcs11js.CKU_SO, spec.soPin));
    guard(() => lib.C_InitPIN(session, spec.userPin));
    guard(() => lib.C_Logout(session));
  } finally {
    lib.C_CloseSession(session);
  }
  // SoftHSM2 renumbers slots once a token is initialised: find it again by label.
  const made = listTokens(lib).find((t) => t.label === spec.label);
  if (!made) throw new CapbuError('TOKEN_ERROR', { ckr: 'TOKEN_NOT_INITIALISED' });
  return made;
}
