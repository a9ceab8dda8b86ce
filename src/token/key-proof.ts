/**
 * Proof that a private key on the token is the certificate's key: it signs a fresh challenge and
 * the certificate's public key verifies it. Needed where the token hides the public half of a
 * private key (EC keys), and cheap enough (one signature) to do only for those.
 */
import { createHash, randomBytes, verify, type KeyObject } from 'node:crypto';
import { pkcs11js } from './module.js';
import type { TokenKey } from './objects.js';
import type { Session } from './session.js';

export function provesKey(session: Session, key: TokenKey, publicKey: KeyObject): boolean {
  const challenge = randomBytes(32);
  const { lib, handle } = session;
  try {
    if (key.keyType === 'ec' && publicKey.asymmetricKeyType === 'ec') {
      lib.C_SignInit(handle, { mechanism: pkcs11js.CKM_ECDSA }, key.handle);
      const digest = createHash('sha256').update(challenge).digest();
      const signature = lib.C_Sign(handle, digest, Buffer.alloc(132));
      return verify('sha256', challenge, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    }
    if (key.keyType === 'rsa' && publicKey.asymmetricKeyType === 'rsa') {
      lib.C_SignInit(handle, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key.handle);
      const signature = lib.C_Sign(handle, challenge, Buffer.alloc(1024));
      return verify('sha256', challenge, publicKey, signature);
    }
  } catch {
    // A key that cannot sign this way proves nothing.
  }
  return false;
}
