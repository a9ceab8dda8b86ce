/**
 * The new CA's signing key, wherever it lives (a PEM file here, an HSM in src/token/ca-signer.ts).
 * Issuance only ever asks it to sign bytes; which algorithm it signs with follows from the new
 * CA certificate's key, and opening one proves the key is that certificate's key.
 */
import { randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { CaCertificate } from '../campaign/campaign.js';
import { CapbuError } from '../errors.js';

/** WebCrypto's names, which @peculiar/x509 turns into the certificate's signature algorithm. */
export type SignatureAlgorithm =
  | { readonly name: 'RSASSA-PKCS1-v1_5'; readonly hash: 'SHA-256' }
  | { readonly name: 'ECDSA'; readonly hash: 'SHA-256'; readonly namedCurve: string };

export interface CaSigner {
  readonly algorithm: SignatureAlgorithm;
  /** RSA: PKCS#1 v1.5 over SHA-256. ECDSA: r‖s (IEEE P1363) over SHA-256, as WebCrypto returns it. */
  sign(data: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** The algorithm a CA key of this type signs with; null for a type capbu does not issue with. */
export function algorithmFor(publicKey: KeyObject): SignatureAlgorithm | null {
  if (publicKey.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const curve = publicKey.asymmetricKeyType === 'ec' ? CURVES[publicKey.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  return curve ? { name: 'ECDSA', hash: 'SHA-256', namedCurve: curve } : null;
}

/** Node's signing call for a key held in memory, in the output format CaSigner promises. */
export function signWithKeyObject(key: KeyObject, data: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // The callback form runs on libuv's thread pool, off the event loop.
    sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, (error, signature) =>
      error ? reject(error) : resolve(new Uint8Array(signature)),
    );
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
    if (error instanceof CapbuError) throw error;
    throw new CapbuError('CA_KEY_MISMATCH', { key }, { cause: error });
  }
  const ok = verify('sha256', challenge, { key: newCa.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new CapbuError('CA_KEY_MISMATCH', { key });
}
