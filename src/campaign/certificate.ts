/** What the rules need to know about one X.509 certificate, read once from its DER. */
import { X509Certificate as NodeCertificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
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
  /** As OpenSSL writes it. Computed on first use: the centre compares keys without it mostly. */
  readonly spki: Uint8Array;
  /** Computed on first use: only the kiosk matches certificates to token keys by it. */
  readonly publicKeyId: PublicKeyId | null;
}

/** Serial numbers compare as numbers: any case, leading zeros ignored. */
export function normalizeSerial(hex: string): string {
  return hex.trim().toLowerCase().replace(/^0+(?=.)/, '');
}

/** Recently parsed certificates: a renewal meets the same few many times over. */
const parsed = new Map<string, CertificateFacts>();
const PARSED_MAX = 256;

/**
 * Node's parse of each certificate parseCertificate read, by its facts' DER: the signature check
 * and the public key reuse it rather than parse the certificate again.
 */
const nodeCertificates = new WeakMap<Uint8Array, NodeCertificate>();

/** Empties the cache, so a measurement sees a token read for the first time. */
export function forgetParsedCertificates(): void {
  parsed.clear();
}

/** The issuer and subject Names and the validity, from the TBSCertificate, as encoded. */
function tbsParts(der: Uint8Array) {
  const parsed = asn1js.fromBER(der);
  const tbs = parsed.result instanceof asn1js.Sequence ? parsed.result.valueBlock.value[0] : undefined;
  if (!(tbs instanceof asn1js.Sequence)) throw new Error('not a certificate');
  const fields = tbs.valueBlock.value;
  // The version is an optional [0] before the serial number.
  const at = fields[0]?.idBlock.tagClass === 3 ? 1 : 0;
  const [issuer, validity, subject] = [fields[at + 2], fields[at + 3], fields[at + 4]];
  if (!(validity instanceof asn1js.Sequence) || !issuer || !subject) throw new Error('not a certificate');
  const [from, to] = validity.valueBlock.value as [asn1js.UTCTime | asn1js.GeneralizedTime, asn1js.UTCTime | asn1js.GeneralizedTime];
  return {
    issuerDer: new Uint8Array(issuer.valueBeforeDecodeView),
    subjectDer: new Uint8Array(subject.valueBeforeDecodeView),
    notBefore: from.toDate(),
    notAfter: to.toDate(),
  };
}

/** Throws when the bytes are not a certificate; callers decide what that means for them. */
export function parseCertificate(der: Uint8Array): CertificateFacts {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const known = parsed.get(key);
  if (known) return known;
  const bytes = Buffer.from(der);
  const cert = new NodeCertificate(bytes);
  const { issuerDer, subjectDer, notBefore, notAfter } = tbsParts(bytes);
  // Read now so a certificate whose key Node cannot load still fails here, as not a certificate;
  // exporting the key and reading its identity cost more than the rest of the parse, so they wait.
  const publicKey = cert.publicKey;
  let spki: Uint8Array | undefined;
  let publicKeyId: PublicKeyId | null | undefined;
  const ownDer = new Uint8Array(der);
  const facts: CertificateFacts = Object.freeze({
    der: ownDer,
    serial: normalizeSerial(cert.serialNumber),
    subject: rfc4514(subjectDer),
    issuer: rfc4514(issuerDer),
    subjectDer,
    notBefore,
    notAfter,
    isCa: cert.ca,
    taxCode: taxCodeOf(subjectDer),
    get spki() {
      spki ??= new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
      return spki;
    },
    get publicKeyId() {
      if (publicKeyId === undefined) publicKeyId = publicKeyIdFromSpki(this.spki);
      return publicKeyId;
    },
  });
  nodeCertificates.set(ownDer, cert);
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
    return (nodeCertificates.get(der) ?? new NodeCertificate(Buffer.from(der))).verify(caKey);
  } catch {
    return false;
  }
}

/** The certificate's public key, as Node holds it, without exporting and importing it again. */
export function publicKeyOf(facts: CertificateFacts): KeyObject {
  return (nodeCertificates.get(facts.der) ?? new NodeCertificate(Buffer.from(facts.der))).publicKey;
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
