/**
 * Proof that a private key on the token is the certificate's key: it signs a fresh challenge and
 * the certificate's public key verifies it. Needed where the token hides the public half of a
 * private key (EC keys), and cheap enough (one signature) to do only for those.
 */
import { randomBytes, verify, type KeyObject } from 'node:crypto';
import { CKR, failedWith, fromPkcs11 } from './errors.js';
import type { TokenKey } from './objects.js';
import type { Session } from './session.js';
import { signUnmapped } from './sign.js';

/** The token's answers for a key that cannot make this signature: it proves nothing, and harms nothing. */
const CANNOT_SIGN_THIS_WAY = [
  CKR.KEY_TYPE_INCONSISTENT,
  CKR.KEY_FUNCTION_NOT_PERMITTED,
  CKR.KEY_SIZE_RANGE,
  CKR.MECHANISM_INVALID,
  CKR.MECHANISM_PARAM_INVALID,
  CKR.FUNCTION_NOT_SUPPORTED,
  CKR.DATA_LEN_RANGE,
];

/** False when the key is not the certificate's or cannot sign; a pulled token is TOKEN_REMOVED. */
export function provesKey(session: Session, key: TokenKey, publicKey: KeyObject): boolean {
  if (key.keyType === 'other' || key.keyType !== publicKey.asymmetricKeyType) return false;
  const challenge = randomBytes(32);
  let signature: Buffer;
  try {
    signature = signUnmapped(session, key.handle, key.keyType, challenge);
  } catch (error) {
    if (failedWith(error, ...CANNOT_SIGN_THIS_WAY)) return false;
    throw fromPkcs11(error);
  }
  return verify('sha256', challenge, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
}
