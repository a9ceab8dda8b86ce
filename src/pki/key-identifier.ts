/**
 * Key identifiers (RFC 5280 §4.2.1.1–2): the name a CA's key goes by in the certificates it
 * issues. Every wave's CA bears one name and waves reuse serial numbers, so the centre and the
 * kiosk key an old certificate by its issuer's key identifier and its serial. An identifier is
 * only a name: which campaign a certificate belongs to is still proven by its signature.
 */
import { createHash } from 'node:crypto';
import { bitStringBytes, children, element, TAG, type Element } from './der.js';
import { certificateParts, type CertificateFacts } from './certificate.js';

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's contents. */
export function keyIdentifierOfSpki(spki: Element): Buffer {
  return createHash('sha1').update(bitStringBytes(children(spki, TAG.sequence, TAG.bitString)[1]!)).digest();
}

/** A CA certificate's own key identifier: its SubjectKeyIdentifier, else method 1. */
export function subjectKeyId(facts: CertificateFacts): Buffer {
  const parts = certificateParts(facts);
  const ski = parts.extensions.find((e) => e.oid === SUBJECT_KEY_IDENTIFIER);
  return ski ? element(ski.value, TAG.octetString).content : keyIdentifierOfSpki(parts.spki);
}

/** The keyIdentifier a certificate's AuthorityKeyIdentifier gives (lowercase hex), or '' when it gives none. */
export function authorityKeyIdOf(facts: CertificateFacts): string {
  const aki = certificateParts(facts).extensions.find((e) => e.oid === AUTHORITY_KEY_IDENTIFIER);
  if (!aki) return '';
  const keyId = children(element(aki.value, TAG.sequence)).find((e) => e.tag === TAG.implicit(0));
  return keyId ? normalizeKeyId(keyId.content.toString('hex')) : '';
}

/** Key identifiers compare as bytes: any case, colons or spaces between the bytes ignored. */
export function normalizeKeyId(text: string): string {
  return text.replace(/[\s:]/g, '').toLowerCase();
}

export const KEY_ID_RE = /^(?:[0-9a-fA-F]{2}[\s:]?)+$/;
