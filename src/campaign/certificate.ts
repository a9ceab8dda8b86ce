/** What the rules need to know about one X.509 certificate, read once from its DER. */
import { X509Certificate as NodeCertificate, type KeyObject } from 'node:crypto';
import { x509 } from './x509.js';
import { rfc4514, taxCodeOf } from './names.js';
import { publicKeyIdFromSpki, type PublicKeyId } from './public-key.js';

export interface CertificateFacts {
  readonly der: Uint8Array;
  /** Lowercase hex, no leading zeros. */
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  /** The subject Name exactly as encoded, so a renewal can keep it byte for byte. */
  readonly subjectDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  readonly taxCode: string | null;
  readonly spki: Uint8Array;
  readonly publicKeyId: PublicKeyId | null;
}

/** Serial numbers compare as numbers: any case, leading zeros ignored. */
export function normalizeSerial(hex: string): string {
  return hex.trim().toLowerCase().replace(/^0+(?=.)/, '');
}

/** Recently parsed certificates: a renewal meets the same few many times over. */
const parsed = new Map<string, CertificateFacts>();
const PARSED_MAX = 256;

/** Empties the cache, so a measurement sees a token read for the first time. */
export function forgetParsedCertificates(): void {
  parsed.clear();
}

/** Throws when the bytes are not a certificate; callers decide what that means for them. */
export function parseCertificate(der: Uint8Array): CertificateFacts {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const known = parsed.get(key);
  if (known) return known;
  const cert = new x509.X509Certificate(new Uint8Array(der));
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const spki = new Uint8Array(cert.publicKey.rawData);
  const subjectDer = new Uint8Array(cert.subjectName.toArrayBuffer());
  const facts: CertificateFacts = Object.freeze({
    der: new Uint8Array(der),
    serial: normalizeSerial(cert.serialNumber),
    subject: rfc4514(subjectDer),
    issuer: rfc4514(cert.issuerName.toArrayBuffer()),
    subjectDer,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCa: basic?.ca === true,
    taxCode: taxCodeOf(subjectDer),
    spki,
    publicKeyId: publicKeyIdFromSpki(spki),
  });
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, facts);
  return facts;
}

/**
 * Whether the certificate's signature verifies with the given CA key. Names and key identifiers
 * prove nothing: the old and new CA share a name, and a forger can copy both.
 */
export function isSignedBy(der: Uint8Array, caKey: KeyObject): boolean {
  try {
    return new NodeCertificate(Buffer.from(der)).verify(caKey);
  } catch {
    return false;
  }
}

/** Certificates from PEM text (one or a bundle) or a single DER blob. */
export function certificatesFromFile(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN')) {
    return x509.PemConverter.decode(text).map((b) => new Uint8Array(b));
  }
  return [new Uint8Array(bytes)];
}
