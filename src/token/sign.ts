/**
 * SHA-256 signatures by a key on the token, the one place that knows how each key type is asked.
 * RSA: CKM_SHA256_RSA_PKCS, the token hashes. ECDSA: SoftHSM2 and many tokens and HSMs offer
 * only raw CKM_ECDSA, so the hash is taken here; the signature comes back as r‖s (IEEE P1363),
 * as WebCrypto returns it.
 */
import { createHash } from 'node:crypto';
import type { Mechanism } from 'pkcs11js';
import { guard, guardAsync } from './errors.js';
import { pkcs11js } from './module.js';
import type { Session } from './session.js';

export type SigningKeyType = 'rsa' | 'ec';

/** Room for any signature capbu asks for: RSA up to 8192 bits, ECDSA up to P-521. */
const SIGNATURE_ROOM = 1024;

/** ECDSA's hash: SHA-256 unless the curve asks for more (P-384: SHA-384, P-521: SHA-512). */
export type EcdsaHash = 'sha256' | 'sha384' | 'sha512';

function prepare(keyType: SigningKeyType, data: Uint8Array, ecdsaHash: EcdsaHash = 'sha256'): { mechanism: Mechanism; input: Buffer } {
  return keyType === 'rsa'
    ? { mechanism: { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, input: Buffer.from(data) }
    : { mechanism: { mechanism: pkcs11js.CKM_ECDSA }, input: createHash(ecdsaHash).update(data).digest() };
}

/**
 * On the calling thread, for one quick signature. Throws pkcs11js's own error so the caller in
 * src/token/ can tell "this key cannot sign this way" from a pulled token.
 */
export function signUnmapped(session: Session, key: Buffer, keyType: SigningKeyType, data: Uint8Array): Buffer {
  const { mechanism, input } = prepare(keyType, data);
  session.lib.C_SignInit(session.handle, mechanism, key);
  return session.lib.C_Sign(session.handle, input, Buffer.alloc(SIGNATURE_ROOM));
}

/** Off the event loop (the token may take its time), failures as capbu's errors. */
export async function sign(session: Session, key: Buffer, keyType: SigningKeyType, data: Uint8Array, ecdsaHash?: EcdsaHash): Promise<Buffer> {
  const { mechanism, input } = prepare(keyType, data, ecdsaHash);
  guard(() => session.lib.C_SignInit(session.handle, mechanism, key));
  return guardAsync(() => session.lib.C_SignAsync(session.handle, input, Buffer.alloc(SIGNATURE_ROOM)));
}
