/** What the rules need to know about one X.509 certificate, read once from its DER. */
import { X509Certificate as NodeCertificate, type KeyObject } from 'node:crypto';
import { children, DerError, element, oidOf, TAG, timeOf, type Element } from './der.js';
import { rfc4514, taxCodeOf } from './names.js';
import { Recent } from './recent.js';
import { publicKeyIdFromSpki, type PublicKeyId } from './public-key.js';
import { publicKeyFromSpki, verifySigned, type Signed } from './signature.js';

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
  /** The SubjectPublicKeyInfo as the certificate encodes it. */
  readonly spki: Uint8Array;
  /** Computed on first use: only the kiosk matches certificates to token keys by it. */
  readonly publicKeyId: PublicKeyId | null;
}

export interface Extension {
  readonly oid: string;
  /** The whole Extension SEQUENCE, to be copied as it is. */
  readonly element: Element;
  /** The extnValue OCTET STRING's contents. */
  readonly value: Buffer;
}

/** The encoded pieces a renewal copies and the signature check reads. */
export interface CertificateParts extends Signed {
  /** The serialNumber INTEGER, tag and length included (PKCS#11's CKA_SERIAL_NUMBER). */
  readonly serialNumber: Element;
  readonly issuer: Element;
  readonly subject: Element;
  readonly spki: Element;
  readonly extensions: readonly Extension[];
  readonly publicKey: KeyObject;
  /** RFC 5280 §4.1.1.2: the algorithm inside the signed part equals the outer one. */
  readonly algorithmsAgree: boolean;
}

/** Serial numbers compare as numbers: any case, leading zeros ignored. */
export function normalizeSerial(hex: string): string {
  return hex.trim().toLowerCase().replace(/^0+(?=.)/, '');
}

/** Recently parsed certificates: a renewal meets the same few many times over. */
const parsed = new Recent<CertificateFacts>(256);

/** The parts of each certificate parseCertificate read, by its facts' DER. */
const partsByDer = new WeakMap<Uint8Array, CertificateParts>();

/** Empties the cache, so a measurement sees a token read for the first time. */
export function forgetParsedCertificates(): void {
  parsed.clear();
}

const BASIC_CONSTRAINTS = '2.5.29.19';

function extensionsOf(fields: readonly Element[]): Extension[] {
  const wrapper = fields.find((f) => f.tag === TAG.explicit(3));
  if (!wrapper) return [];
  return children(element(wrapper.content, TAG.sequence)).map((e) => {
    const parts = children(e, TAG.oid);
    const value = parts[parts.length - 1];
    if (e.tag !== TAG.sequence || value?.tag !== TAG.octetString) throw new DerError('not an Extension');
    return { oid: oidOf(parts[0]!), element: e, value: value.content };
  });
}

/** basicConstraints' cA flag: a BOOLEAN first in its SEQUENCE, FALSE when absent. */
function isCaCertificate(extensions: readonly Extension[]): boolean {
  const basic = extensions.find((e) => e.oid === BASIC_CONSTRAINTS);
  if (!basic) return false;
  const first = children(element(basic.value, TAG.sequence))[0];
  return first?.tag === TAG.boolean && first.content[0] !== 0;
}

/** Throws when the bytes are not a certificate; callers decide what that means for them. */
export function parseCertificate(der: Uint8Array): CertificateFacts {
  return parsed.get(Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1'), () => readCertificate(der));
}

function readCertificate(der: Uint8Array): CertificateFacts {
  const ownDer = new Uint8Array(der);
  const [tbs, algorithm, signature] = children(element(ownDer, TAG.sequence), TAG.sequence, TAG.sequence, TAG.bitString);
  const fields = children(tbs!);
  // The version is an optional [0] before the serial number.
  const at = fields[0]?.tag === TAG.explicit(0) ? 1 : 0;
  const [serial, innerAlgorithm, issuer, validity, subject, spki] = fields.slice(at);
  const tags = [TAG.integer, TAG.sequence, TAG.sequence, TAG.sequence, TAG.sequence, TAG.sequence];
  if (![serial, innerAlgorithm, issuer, validity, subject, spki].every((f, i) => f?.tag === tags[i])) throw new DerError('not a certificate');
  const [from, to] = children(validity!);
  if (!from || !to) throw new DerError('not a certificate');
  const extensions = extensionsOf(fields.slice(at + 6));
  // Loaded now so a certificate whose key Node cannot load fails here, as not a certificate.
  const parts: CertificateParts = {
    signed: tbs!,
    algorithm: algorithm!,
    signature: signature!,
    serialNumber: serial!,
    issuer: issuer!,
    subject: subject!,
    spki: spki!,
    extensions,
    publicKey: publicKeyFromSpki(spki!),
    algorithmsAgree: innerAlgorithm!.bytes.equals(algorithm!.bytes),
  };
  let publicKeyId: PublicKeyId | null | undefined;
  const facts: CertificateFacts = Object.freeze({
    der: ownDer,
    serial: normalizeSerial(serial!.content.toString('hex')),
    subject: rfc4514(subject!.bytes),
    issuer: rfc4514(issuer!.bytes),
    subjectDer: new Uint8Array(subject!.bytes),
    notBefore: timeOf(from),
    notAfter: timeOf(to),
    isCa: isCaCertificate(extensions),
    taxCode: taxCodeOf(subject!.bytes),
    spki: new Uint8Array(spki!.bytes),
    // Only the kiosk matches keys by it.
    get publicKeyId() {
      if (publicKeyId === undefined) publicKeyId = publicKeyIdFromSpki(this.spki);
      return publicKeyId;
    },
  });
  partsByDer.set(ownDer, parts);
  return facts;
}

/** The encoded pieces of a certificate, read again only when its parse has been forgotten. */
function partsOf(der: Uint8Array): CertificateParts {
  return partsByDer.get(der) ?? partsByDer.get(parseCertificate(der).der)!;
}

/** The encoded pieces of a certificate parseCertificate returned the facts of. */
export function certificateParts(facts: CertificateFacts): CertificateParts {
  return partsOf(facts.der);
}

/**
 * Whether the certificate's signature verifies with the given CA key. Names and key identifiers
 * prove nothing: the old and new CA share a name, and a forger can copy both.
 */
export function isSignedBy(der: Uint8Array, caKey: KeyObject): boolean {
  let parts: CertificateParts;
  try {
    parts = partsOf(der);
  } catch {
    // Bytes that are not a certificate are not signed by anyone.
    return false;
  }
  if (!parts.algorithmsAgree) return false;
  const verdict = verifySigned(parts, caKey);
  if (verdict !== null) return verdict;
  // An algorithm outside the usual few (RSA-PSS, say): OpenSSL's full check knows it.
  try {
    return new NodeCertificate(Buffer.from(der)).verify(caKey);
  } catch {
    // OpenSSL throws for what it cannot verify: that is a failed check, no more.
    return false;
  }
}

/** The certificate's public key, loaded once when it was parsed. */
export function publicKeyOf(facts: CertificateFacts): KeyObject {
  return certificateParts(facts).publicKey;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

/** Certificates from PEM text (one or a bundle) or a single DER blob. */
export function certificatesFromFile(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN')) {
    return [...text.matchAll(PEM_CERTIFICATE)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  }
  return [new Uint8Array(bytes)];
}
