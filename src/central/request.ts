/**
 * Reading a renewal request's certificate and CSR: the checks that make a request malformed or
 * mismatched (400) rather than ineligible (422). Each failure has its own code.
 */
import { createHash } from 'node:crypto';
import { parseCertificate, publicKeyOf, type CertificateFacts } from '../pki/certificate.js';
import { assertDer, children, DerError, element, exactChildren, TAG, type Element } from '../pki/der.js';
import { publicKeyIdFromSpki } from '../pki/public-key.js';
import { verifySigned, type Signed } from '../pki/signature.js';
import { CapbuError } from '../errors.js';

/**
 * Strict base64: Node's decoder silently skips junk, which would hide a mangled upload, so the
 * text must be exactly what encoding its bytes gives back (padded, no stray bits).
 */
export function decodeBase64(text: string, field: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  if (text.length === 0 || bytes.toString('base64') !== text) throw new CapbuError('BASE64_INVALID', { field });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface ReadRequest {
  readonly facts: CertificateFacts;
  readonly oldHash: string;
  /** The proof of possession: the CSR's signature verifies with the old certificate's key. */
  readonly hasPrivateKey: boolean;
}

/** Compared as keys, not bytes: one RSA key may be written with or without NULL parameters. */
function sameKey(spki: Buffer, facts: CertificateFacts): boolean {
  if (spki.equals(facts.spki)) return true;
  const id = publicKeyIdFromSpki(spki);
  return id !== null && id === facts.publicKeyId;
}

/** A PKCS#10 request's signed part, its subject and its key. */
function readCsr(der: Uint8Array): Signed & { readonly subject: Element; readonly spki: Element } {
  const outer = element(der, TAG.sequence);
  assertDer(outer.content);
  const [info, algorithm, signature] = exactChildren(outer, TAG.sequence, TAG.sequence, TAG.bitString);
  const [, subject, spki] = children(info!, TAG.integer, TAG.sequence, TAG.sequence);
  return { signed: info!, algorithm: algorithm!, signature: signature!, subject: subject!, spki: spki! };
}

export async function readRenewalRequest(oldCertificateB64: string, csrB64: string): Promise<ReadRequest> {
  const oldDer = decodeBase64(oldCertificateB64, 'oldCertificate');
  const csrDer = decodeBase64(csrB64, 'csr');
  let facts: CertificateFacts;
  try {
    facts = parseCertificate(oldDer);
  } catch (error) {
    throw new CapbuError('CERTIFICATE_INVALID', { problem: error instanceof DerError ? error.problem : 'structure' }, { cause: error });
  }
  let csr: ReturnType<typeof readCsr>;
  try {
    csr = readCsr(csrDer);
  } catch (error) {
    throw new CapbuError('CSR_INVALID', {}, { cause: error });
  }
  // A renewal keeps the customer's key: the request must carry the old certificate's key …
  if (!sameKey(csr.spki.bytes, facts)) throw new CapbuError('CSR_KEY_MISMATCH');
  // … and ask for the old certificate's subject, byte for byte.
  if (!csr.subject.bytes.equals(facts.subjectDer)) throw new CapbuError('CSR_SUBJECT_MISMATCH');
  return { facts, oldHash: sha256Hex(oldDer), hasPrivateKey: verifySigned(csr, publicKeyOf(facts)) === true };
}
