/**
 * Reading a renewal request's certificate and CSR: the checks that make a request malformed or
 * mismatched (400) rather than ineligible (422). Each failure has its own code.
 */
import { createHash } from 'node:crypto';
import { parseCertificate, type CertificateFacts } from '../campaign/certificate.js';
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
  readonly old: x509.X509Certificate;
  readonly facts: CertificateFacts;
  readonly oldHash: string;
  /** The proof of possession: the CSR's signature verifies with the old certificate's key. */
  readonly hasPrivateKey: boolean;
}

function equalBytes(a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean {
  return Buffer.from(a instanceof Uint8Array ? a : new Uint8Array(a)).equals(Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)));
}

/** Compared as keys, not bytes: one RSA key may be written with or without NULL parameters. */
function sameKey(spki: Uint8Array, facts: CertificateFacts): boolean {
  if (equalBytes(spki, facts.spki)) return true;
  const id = publicKeyIdFromSpki(spki);
  return id !== null && id === facts.publicKeyId;
}

export async function readRenewalRequest(oldCertificateB64: string, csrB64: string): Promise<ReadRequest> {
  const oldDer = decodeBase64(oldCertificateB64, 'oldCertificate');
  const csrDer = decodeBase64(csrB64, 'csr');
  let old: x509.X509Certificate;
  let facts: CertificateFacts;
  try {
    old = new x509.X509Certificate(oldDer);
    facts = parseCertificate(oldDer);
  } catch (error) {
    throw new CapbuError('CERTIFICATE_INVALID', {}, { cause: error });
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrDer);
  } catch (error) {
    throw new CapbuError('CSR_INVALID', {}, { cause: error });
  }
  // A renewal keeps the customer's key: the request must carry the old certificate's key …
  let csrKey: Uint8Array;
  try {
    csrKey = new Uint8Array(csr.publicKey.rawData);
  } catch (error) {
    throw new CapbuError('CSR_INVALID', {}, { cause: error });
  }
  if (!sameKey(csrKey, facts)) throw new CapbuError('CSR_KEY_MISMATCH');
  // … and ask for the old certificate's subject, byte for byte.
  if (!equalBytes(csr.subjectName.toArrayBuffer(), facts.subjectDer)) throw new CapbuError('CSR_SUBJECT_MISMATCH');
  let hasPrivateKey: boolean;
  try {
    hasPrivateKey = await csr.verify();
  } catch {
    hasPrivateKey = false;
  }
  return { old, facts, oldHash: sha256Hex(oldDer), hasPrivateKey };
}
