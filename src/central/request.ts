/**
 * Reading a renewal request's certificate and CSR: the checks that make a request malformed or
 * mismatched (400) rather than ineligible (422). Each failure has its own code.
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { parseCertificate, publicKeyOf, type CertificateFacts } from '../campaign/certificate.js';
import { publicKeyIdFromSpki } from '../campaign/public-key.js';
import { x509 } from '../campaign/x509.js';
import { CapbuError } from '../errors.js';

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64: Node's decoder silently skips junk, which would hide a mangled upload. */
export function decodeBase64(text: string, field: string): Uint8Array {
  if (text.length === 0 || !BASE64_RE.test(text)) throw new CapbuError('BASE64_INVALID', { field });
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface ReadRequest {
  readonly oldDer: Uint8Array;
  readonly facts: CertificateFacts;
  readonly oldHash: string;
  /** The proof of possession: the CSR's signature verifies with the old certificate's key. */
  readonly hasPrivateKey: boolean;
}

const sameBytes = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array) =>
  Buffer.from(a instanceof Uint8Array ? a : new Uint8Array(a)).equals(Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)));

/** Compared as keys, not bytes: one RSA key may be written with or without NULL parameters. */
function sameKey(spki: Uint8Array, facts: CertificateFacts): boolean {
  if (sameBytes(spki, facts.spki)) return true;
  const id = publicKeyIdFromSpki(spki);
  return id !== null && id === facts.publicKeyId;
}

const HASHES: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const algorithms = new x509.AlgorithmProvider();

/**
 * Whether the CSR's signature verifies with the old certificate's key, checked over the request's
 * own bytes with Node's crypto. Algorithms other than RSA PKCS#1 v1.5 and ECDSA prove nothing here.
 */
function signedWithKey(request: CertificationRequest, key: KeyObject): boolean {
  try {
    const alg = algorithms.toWebAlgorithm(request.signatureAlgorithm) as { name?: string; hash?: { name?: string } | string };
    const hash = HASHES[typeof alg.hash === 'string' ? alg.hash : (alg.hash?.name ?? '')];
    if (!hash || (alg.name !== 'RSASSA-PKCS1-v1_5' && alg.name !== 'ECDSA') || !request.certificationRequestInfoRaw) return false;
    return verify(hash, new Uint8Array(request.certificationRequestInfoRaw), key, new Uint8Array(request.signature));
  } catch {
    return false;
  }
}

export async function readRenewalRequest(oldCertificateB64: string, csrB64: string): Promise<ReadRequest> {
  const oldDer = decodeBase64(oldCertificateB64, 'oldCertificate');
  const csrDer = decodeBase64(csrB64, 'csr');
  let facts: CertificateFacts;
  try {
    facts = parseCertificate(oldDer);
  } catch (error) {
    throw new CapbuError('CERTIFICATE_INVALID', {}, { cause: error });
  }
  let csr: CertificationRequest;
  let csrKey: Uint8Array;
  let csrSubject: Uint8Array;
  try {
    csr = AsnConvert.parse(csrDer, CertificationRequest);
    csrKey = new Uint8Array(AsnConvert.serialize(csr.certificationRequestInfo.subjectPKInfo));
    csrSubject = new Uint8Array(AsnConvert.serialize(csr.certificationRequestInfo.subject));
  } catch (error) {
    throw new CapbuError('CSR_INVALID', {}, { cause: error });
  }
  // A renewal keeps the customer's key: the request must carry the old certificate's key …
  if (!sameKey(csrKey, facts)) throw new CapbuError('CSR_KEY_MISMATCH');
  // … and ask for the old certificate's subject, byte for byte.
  if (!sameBytes(csrSubject, facts.subjectDer)) throw new CapbuError('CSR_SUBJECT_MISMATCH');
  return { oldDer, facts, oldHash: sha256Hex(oldDer), hasPrivateKey: signedWithKey(csr, publicKeyOf(facts)) };
}
