/** What the rules need to know about one X.509 certificate, read once from its DER. */
import { X509Certificate as NodeCertificate, type KeyObject } from 'node:crypto';
import {
  assertDer,
  bitStringBytes,
  bitStringOf,
  booleanOf,
  children,
  decodeOid,
  DerError,
  element,
  exactChildren,
  integerOf,
  oidOf,
  smallIntegerOf,
  TAG,
  timeOf,
  type Element,
} from './der.js';
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

/** RFC 5280 §4.2: SEQUENCE SIZE (1..MAX) OF Extension { extnID, critical DEFAULT FALSE, extnValue }, each OID once. */
function extensionsOf(wrapper: Element | undefined): Extension[] {
  if (!wrapper) return [];
  const list = children(element(wrapper.content, TAG.sequence));
  if (list.length === 0) throw new DerError('structure');
  const seen = new Set<string>();
  return list.map((e) => {
    if (e.tag !== TAG.sequence) throw new DerError('structure');
    const parts = children(e, TAG.oid);
    if (parts.length === 3) {
      if (!booleanOf(parts[1]!)) throw new DerError('default-encoded');
    } else if (parts.length !== 2) {
      throw new DerError('structure');
    }
    const value = parts[parts.length - 1]!;
    if (value.tag !== TAG.octetString) throw new DerError('structure');
    const oid = oidOf(parts[0]!);
    if (seen.has(oid)) throw new DerError('extension-duplicate');
    seen.add(oid);
    // Renewals copy some extensions into certificates the new CA signs.
    assertDer(value.content);
    checkValue[oid]?.(value.content);
    return { oid, element: e, value: value.content };
  });
}

const KEY_USAGE = '2.5.29.15';
const EXT_KEY_USAGE = '2.5.29.37';
const SUBJECT_ALT_NAME = '2.5.29.17';
const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** GeneralName's choices (RFC 5280 §4.2.1.6): primitive [1] [2] [6] [7] [8], constructed [0] [3] [4] [5]. */
const GENERAL_NAME_TAGS = new Set([0xa0, 0x81, 0x82, 0xa3, 0xa4, 0xa5, 0x86, 0x87, 0x88]);

/** A SEQUENCE SIZE (1..MAX) whose every item passes `check`. */
const nonEmptySequence = (check: (item: Element) => void) => (value: Buffer) => {
  const items = children(element(value, TAG.sequence));
  if (items.length === 0) throw new DerError('structure');
  items.forEach(check);
};

/** The shape of the extensions capbu reads or copies into a renewal (RFC 5280 §4.2.1). */
const checkValue: Readonly<Record<string, (value: Buffer) => void>> = {
  [KEY_USAGE]: (value) => void bitStringOf(element(value, TAG.bitString)),
  [EXT_KEY_USAGE]: nonEmptySequence((item) => void oidOf(item)),
  [SUBJECT_ALT_NAME]: nonEmptySequence((item) => {
    if (!GENERAL_NAME_TAGS.has(item.tag)) throw new DerError('structure');
    if (item.tag === 0xa4) element(item.content, TAG.sequence);
    if (item.tag === 0x88) decodeOid(item.content);
  }),
  [SUBJECT_KEY_IDENTIFIER]: (value) => void element(value, TAG.octetString),
};

/** basicConstraints { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }. */
function isCaCertificate(extensions: readonly Extension[]): boolean {
  const basic = extensions.find((e) => e.oid === BASIC_CONSTRAINTS);
  if (!basic) return false;
  const fields = children(element(basic.value, TAG.sequence));
  const cA = fields[0]?.tag === TAG.boolean ? booleanOf(fields[0]) : false;
  if (fields[0]?.tag === TAG.boolean && !cA) throw new DerError('default-encoded');
  const rest = fields.slice(fields[0]?.tag === TAG.boolean ? 1 : 0);
  if (rest.length > 1 || (rest[0] && integerOf(rest[0])[0]! & 0x80)) throw new DerError('structure');
  return cA;
}

/** AlgorithmIdentifier: SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }. */
function checkAlgorithm(e: Element): void {
  const parts = children(e, TAG.oid);
  if (parts.length > 2) throw new DerError('structure');
  oidOf(parts[0]!);
}

/** Throws when the bytes are not a certificate; callers decide what that means for them. */
export function parseCertificate(der: Uint8Array): CertificateFacts {
  return parsed.get(Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1'), () => readCertificate(der));
}

const V1 = 0;
const V2 = 1;
const V3 = 2;

/** The fields after subjectPublicKeyInfo, each optional, in this order (RFC 5280 §4.1). */
const ISSUER_UNIQUE_ID = TAG.implicit(1);
const SUBJECT_UNIQUE_ID = TAG.implicit(2);
const EXTENSIONS = TAG.explicit(3);

/** The version, from the [0] EXPLICIT INTEGER DEFAULT v1 that may open the TBSCertificate. */
function versionOf(field: Element | undefined): number {
  if (field?.tag !== TAG.explicit(0)) return V1;
  const version = smallIntegerOf(exactChildren(field, TAG.integer)[0]!);
  if (version === V1) throw new DerError('default-encoded');
  if (version !== V2 && version !== V3) throw new DerError('version');
  return version;
}

function readCertificate(der: Uint8Array): CertificateFacts {
  const ownDer = new Uint8Array(der);
  const outer = element(ownDer, TAG.sequence);
  // Every universal element by its type's rules, Name values and key parameters included.
  assertDer(outer.content);
  const [tbs, algorithm, signature] = exactChildren(outer, TAG.sequence, TAG.sequence, TAG.bitString);
  const fields = children(tbs!);
  const version = versionOf(fields[0]);
  const at = fields[0]?.tag === TAG.explicit(0) ? 1 : 0;
  const [serial, innerAlgorithm, issuer, validity, subject, spki] = fields.slice(at);
  const tags = [TAG.integer, TAG.sequence, TAG.sequence, TAG.sequence, TAG.sequence, TAG.sequence];
  if (![serial, innerAlgorithm, issuer, validity, subject, spki].every((f, i) => f?.tag === tags[i])) throw new DerError('structure');
  if (integerOf(serial!)[0]! & 0x80) throw new DerError('serial-negative');
  checkAlgorithm(innerAlgorithm!);
  checkAlgorithm(algorithm!);
  bitStringBytes(signature!);
  const times = children(validity!);
  if (times.length !== 2) throw new DerError('structure');
  const [notBefore, notAfter] = times.map(timeOf) as [Date, Date];
  // The optional fields, in order, each once, and only in versions that have them.
  let next = 0;
  const optional = fields.slice(at + 6);
  const take = (tag: number, since: number): Element | undefined => {
    if (optional[next]?.tag !== tag) return undefined;
    if (version < since) throw new DerError('version');
    return optional[next++];
  };
  for (const id of [take(ISSUER_UNIQUE_ID, V2), take(SUBJECT_UNIQUE_ID, V2)]) if (id) bitStringOf(id);
  const extensions = extensionsOf(take(EXTENSIONS, V3));
  if (next !== optional.length) throw new DerError('structure');
  let publicKey: KeyObject;
  try {
    publicKey = publicKeyFromSpki(spki!);
  } catch (error) {
    // Loaded now so a certificate whose key Node cannot load fails here, as not a certificate.
    if (error instanceof DerError) throw error;
    throw new DerError('key');
  }
  const parts: CertificateParts = {
    signed: tbs!,
    algorithm: algorithm!,
    signature: signature!,
    serialNumber: serial!,
    issuer: issuer!,
    subject: subject!,
    spki: spki!,
    extensions,
    publicKey,
    algorithmsAgree: innerAlgorithm!.bytes.equals(algorithm!.bytes),
  };
  let publicKeyId: PublicKeyId | null | undefined;
  const facts: CertificateFacts = Object.freeze({
    der: ownDer,
    serial: normalizeSerial(serial!.content.toString('hex')),
    subject: rfc4514(subject!.bytes),
    issuer: rfc4514(issuer!.bytes),
    subjectDer: new Uint8Array(subject!.bytes),
    notBefore,
    notAfter,
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
