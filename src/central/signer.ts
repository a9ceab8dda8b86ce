/**
 * The new CA's signing key, wherever it lives (a PEM file here, an HSM in hsm-signer.ts).
 * Issuance only ever asks it to sign bytes; which algorithm it signs with follows from the new
 * CA certificate's key, and opening one proves the key is that certificate's key.
 */
import { randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { CaCertificate } from '../campaign/campaign.js';
import { CapbuError } from '../errors.js';
import type { IssuedMarker } from './issued-marker.js';

/** WebCrypto's names, which @peculiar/x509 turns into the certificate's signature algorithm. */
export type SignatureAlgorithm =
  | { readonly name: 'RSASSA-PKCS1-v1_5'; readonly hash: 'SHA-256' }
  | { readonly name: 'ECDSA'; readonly hash: 'SHA-256'; readonly namedCurve: string };

export interface CaSigner {
  readonly algorithm: SignatureAlgorithm;
  /**
   * RSA: PKCS#1 v1.5 over SHA-256. ECDSA: r‖s (IEEE P1363) over SHA-256, as WebCrypto returns it.
   * Only a signature that verifies with the new CA's key comes back: an HSM or key fault must
   * never reach a customer's token as a certificate that does not verify.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** Kept with the key: whether it has issued, whatever became of the centre's database. */
  readonly marker: IssuedMarker;
  close(): Promise<void>;
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** The algorithm a CA key of this type signs with; null for a type capbu does not issue with. */
export function algorithmFor(publicKey: KeyObject): SignatureAlgorithm | null {
  if (publicKey.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const curve = publicKey.asymmetricKeyType === 'ec' ? CURVES[publicKey.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  return curve ? { name: 'ECDSA', hash: 'SHA-256', namedCurve: curve } : null;
}

const verifies = (newCa: CaCertificate, data: Uint8Array, signature: Uint8Array): boolean =>
  verify('sha256', data, { key: newCa.publicKey, dsaEncoding: 'ieee-p1363' }, signature);

/** The signature, once it verifies with the new CA's key; INTERNAL (nothing issued) otherwise. */
export function checkedSignature(newCa: CaCertificate, data: Uint8Array, signature: Uint8Array): Uint8Array {
  if (!verifies(newCa, data, signature)) throw new CapbuError('INTERNAL', { message: 'a CA signature does not verify with the new CA key' });
  return signature;
}

/** Node's signing call for a key held in memory, in the output format CaSigner promises. */
export function signWithKeyObject(key: KeyObject, newCa: CaCertificate, data: Uint8Array): Promise<Uint8Array> {
  // OpenSSL checks every RSA-CRT result against the public exponent before returning it
  // (rsa_ossl_mod_exp), so only ECDSA signatures are checked here.
  const check = key.asymmetricKeyType !== 'rsa';
  return new Promise((resolve, reject) => {
    // The callback form runs on libuv's thread pool, off the event loop.
    sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, (error, signature) => {
      if (error) return reject(error);
      try {
        resolve(check ? checkedSignature(newCa, data, signature) : new Uint8Array(signature));
      } catch (failure) {
        reject(failure);
      }
    });
  });
}

/**
 * Refuses a key that is not the new CA certificate's: certificates it signed would not chain. A
 * signature over a fresh challenge proves it for keys that cannot be exported (an HSM's).
 */
export async function assertSignerMatches(signer: CaSigner, newCa: CaCertificate, key: string): Promise<void> {
  const challenge = randomBytes(32);
  let signature: Uint8Array;
  try {
    signature = await signer.sign(challenge);
  } catch (error) {
    // INTERNAL is checkedSignature's refusal: a signature the new CA's key does not verify.
    if (error instanceof CapbuError && error.code !== 'INTERNAL') throw error;
    throw new CapbuError('CA_KEY_MISMATCH', { key }, { cause: error });
  }
  if (!verifies(newCa, challenge, signature)) throw new CapbuError('CA_KEY_MISMATCH', { key });
}
