/**
 * Signatures of certificates and requests checked over their own signed bytes with Node's crypto,
 * and public keys loaded from a SubjectPublicKeyInfo. Both avoid OpenSSL 3's DER decoders, which
 * cost about 0.1 ms a call: a public key goes in as a JWK (its numbers), a few microseconds.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { bitStringBytes, children, DerError, DerWriter, element, exactChildren, integerOf, oidOf, TAG, type Element } from './der.js';

export type Hash = 'sha256' | 'sha384' | 'sha512';

interface Algorithm {
  readonly key: 'rsa' | 'ec';
  readonly hash: Hash;
}

/** RSA PKCS#1 v1.5 and ECDSA over SHA-2: what CAs and tokens sign with. */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, Algorithm>> = {
  '1.2.840.113549.1.1.11': { key: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', hash: 'sha512' },
  '1.2.840.10045.4.3.2': { key: 'ec', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ec', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ec', hash: 'sha512' },
};

/** The signed thing as X.509 and PKCS#10 lay it out: SEQUENCE { signed, AlgorithmIdentifier, BIT STRING }. */
export interface Signed {
  readonly signed: Element;
  readonly algorithm: Element;
  readonly signature: Element;
}

/**
 * Whether `key` made the signature: true or false for the algorithms above, null for any other
 * algorithm (the caller decides whether another checker should look).
 */
export function verifySigned(item: Signed, key: KeyObject): boolean | null {
  let algorithm: Algorithm | undefined;
  try {
    algorithm = SIGNATURE_ALGORITHMS[oidOf(children(item.algorithm)[0]!)];
  } catch {
    // An AlgorithmIdentifier without an OID cannot be checked: not verified.
    return false;
  }
  if (!algorithm) return null;
  if (algorithm.key !== (key.asymmetricKeyType === 'ec' ? 'ec' : key.asymmetricKeyType === 'rsa' ? 'rsa' : null)) return false;
  try {
    // X.509's ECDSA signature is DER (r, s), Node's default encoding for EC keys.
    return verify(algorithm.hash, item.signed.bytes, key, bitStringBytes(item.signature));
  } catch {
    // Node throws for a malformed signature value: it does not verify.
    return false;
  }
}

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
/** The NIST curves by their OID: JWK name, coordinate size in bytes, and the hash of its strength. */
export const CURVES: Readonly<Record<string, { crv: string; size: number; hash: Hash }>> = {
  '1.2.840.10045.3.1.7': { crv: 'P-256', size: 32, hash: 'sha256' },
  '1.3.132.0.34': { crv: 'P-384', size: 48, hash: 'sha384' },
  '1.3.132.0.35': { crv: 'P-521', size: 66, hash: 'sha512' },
};

const unsigned = (integer: Buffer) => {
  let i = 0;
  while (i < integer.length - 1 && integer[i] === 0) i++;
  return integer.subarray(i).toString('base64url');
};

/** RSA and the NIST curves through their numbers; anything else through OpenSSL's decoder. */
export function publicKeyFromSpki(spki: Element): KeyObject {
  const [algorithm, bits] = exactChildren(spki, TAG.sequence, TAG.bitString);
  const [oid, parameters] = children(algorithm!, TAG.oid);
  const type = oidOf(oid!);
  const key = bitStringBytes(bits!);
  if (type === RSA_ENCRYPTION) {
    const [n, e] = exactChildren(element(key, TAG.sequence), TAG.integer, TAG.integer).map(integerOf) as [Buffer, Buffer];
    if (n[0]! & 0x80 || e[0]! & 0x80) throw new DerError('key');
    return createPublicKey({ key: { kty: 'RSA', n: unsigned(n), e: unsigned(e) }, format: 'jwk' });
  }
  const curve = type === EC_PUBLIC_KEY && parameters?.tag === TAG.oid ? CURVES[oidOf(parameters)] : undefined;
  if (curve && key.length === 1 + 2 * curve.size && key[0] === 0x04) {
    const x = key.subarray(1, 1 + curve.size).toString('base64url');
    const y = key.subarray(1 + curve.size).toString('base64url');
    return createPublicKey({ key: { kty: 'EC', crv: curve.crv, x, y }, format: 'jwk' });
  }
  return createPublicKey({ key: spki.bytes, format: 'der', type: 'spki' });
}

/** How a key signs a request or a certificate: RSA PKCS#1 v1.5 over SHA-256, ECDSA with its curve's hash. */
export interface SigningAlgorithm extends Algorithm {
  /** The AlgorithmIdentifier, encoded. */
  readonly identifier: Buffer;
  /** ECDSA: the coordinate size, for r‖s. */
  readonly size?: number;
}

function identifier(algorithm: Algorithm): Buffer {
  const oid = Object.keys(SIGNATURE_ALGORITHMS).find((o) => SIGNATURE_ALGORITHMS[o]!.key === algorithm.key && SIGNATURE_ALGORITHMS[o]!.hash === algorithm.hash)!;
  const w = new DerWriter();
  // RFC 4055 §5: NULL parameters for RSA; RFC 5758 §3.2: none for ECDSA.
  w.constructed(TAG.sequence, () => (algorithm.key === 'rsa' ? w.oid(oid).primitive(TAG.null, Buffer.alloc(0)) : w.oid(oid)));
  return w.toBytes();
}

/** SHA-256 signatures: what the CA signs renewals with, whatever its curve. */
export function signingAlgorithm(key: 'rsa' | 'ec', size?: number): SigningAlgorithm {
  return { key, hash: 'sha256', size, identifier: identifier({ key, hash: 'sha256' }) };
}

/** The algorithm the key in `spki` signs with; null for a key capbu cannot sign with (not RSA nor a NIST curve). */
export function signingAlgorithmFor(spki: Element): SigningAlgorithm | null {
  const [algorithm] = exactChildren(spki, TAG.sequence, TAG.bitString);
  const [oid, parameters] = children(algorithm!, TAG.oid);
  const type = oidOf(oid!);
  if (type === RSA_ENCRYPTION) return { key: 'rsa', hash: 'sha256', identifier: identifier({ key: 'rsa', hash: 'sha256' }) };
  const curve = type === EC_PUBLIC_KEY && parameters?.tag === TAG.oid ? CURVES[oidOf(parameters)] : undefined;
  if (!curve) return null;
  return { key: 'ec', hash: curve.hash, size: curve.size, identifier: identifier({ key: 'ec', hash: curve.hash }) };
}

/** The signature as X.509 and PKCS#10 carry it: ECDSA's r‖s (PKCS#11, WebCrypto) as DER (r, s). */
export function signatureValue(algorithm: SigningAlgorithm, signature: Uint8Array): Buffer {
  if (algorithm.key === 'rsa') return Buffer.from(signature);
  const half = signature.length / 2;
  if (signature.length !== 2 * algorithm.size!) throw new RangeError(`an ECDSA signature of ${signature.length} bytes for ${algorithm.size}-byte coordinates`);
  const w = new DerWriter();
  w.constructed(TAG.sequence, () => w.unsignedInteger(signature.subarray(0, half)).unsignedInteger(signature.subarray(half)));
  return w.toBytes();
}

/** SEQUENCE { signed, AlgorithmIdentifier, BIT STRING }, around bytes already signed. */
export function signedEnvelope(signed: Uint8Array, algorithm: SigningAlgorithm, signature: Uint8Array): Buffer {
  const w = new DerWriter();
  w.constructed(TAG.sequence, () => {
    w.copy(element(signed, TAG.sequence));
    w.copy(element(algorithm.identifier, TAG.sequence));
    w.primitive(TAG.bitString, Buffer.concat([Buffer.from([0]), signatureValue(algorithm, signature)]));
  });
  return w.toBytes();
}
