/**
 * Building the renewed certificate. It keeps everything the customer's software relies on from
 * the old one (subject, key, key usage, extended key usage, alternative names) and changes only
 * what the renewal is about: issuer key, serial and validity.
 *
 * The old certificate's encoded pieces go into the new one as they are, around the few fields
 * written here; what depends only on the new CA is encoded once, at start.
 */
import type { CaCertificate } from '../pki/ca-certificate.js';
import { certificateParts, normalizeSerial, type CertificateFacts, type CertificateParts } from '../pki/certificate.js';
import { DerWriter, element, TAG, type Element } from '../pki/der.js';
import { keyIdentifierOfSpki, subjectKeyId } from '../pki/key-identifier.js';
import { randomSerial } from '../pki/serial.js';
import { signedEnvelope, signingAlgorithm, signingAlgorithmFor, type SigningAlgorithm } from '../pki/signature.js';
import { CapbuError } from '../errors.js';
import type { CaSigner } from './signer.js';

const KEY_USAGE = '2.5.29.15';
const SUBJECT_ALT_NAME = '2.5.29.17';
const EXT_KEY_USAGE = '2.5.29.37';
const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const COPIED = new Set([KEY_USAGE, SUBJECT_ALT_NAME, EXT_KEY_USAGE]);


/** The new CA as issuance needs it, encoded once at start. */
export interface Issuer {
  readonly signer: CaSigner;
  readonly name: Element;
  readonly signatureAlgorithm: Element;
  readonly algorithm: SigningAlgorithm;
  /** Names the new CA key: its certificate's own key identifier when it has one. */
  readonly authorityKeyIdentifier: Element;
}

export function prepareIssuer(ca: CaCertificate, signer: CaSigner): Issuer {
  const parts = certificateParts(ca.facts);
  const keyId = subjectKeyId(ca.facts);
  // The CA signs over SHA-256 on any curve (signer.ts); the curve gives r‖s its size.
  const own = signingAlgorithmFor(parts.spki);
  if (!own) throw new CapbuError('INTERNAL', { message: 'the new CA key is neither RSA nor on a NIST curve' });
  const algorithm = signingAlgorithm(own.key, own.size);
  // RFC 5280 §4.2.1.1: Extension { authorityKeyIdentifier, AuthorityKeyIdentifier { [0] keyIdentifier } }.
  const w = new DerWriter();
  w.constructed(TAG.sequence, () =>
    w.oid(AUTHORITY_KEY_IDENTIFIER).constructed(TAG.octetString, () => w.constructed(TAG.sequence, () => w.primitive(TAG.implicit(0), keyId))),
  );
  return {
    signer,
    name: parts.subject,
    algorithm,
    signatureAlgorithm: element(algorithm.identifier, TAG.sequence),
    authorityKeyIdentifier: element(w.toBytes(), TAG.sequence),
  };
}

export interface RenewalTerms {
  /** The old certificate, as the request's check read it. */
  readonly old: CertificateFacts;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface IssuedDer {
  readonly der: Uint8Array;
  readonly serial: string;
}

const V3 = Buffer.from([2]);

function tbsCertificate(issuer: Issuer, old: CertificateParts, serial: Buffer, terms: RenewalTerms): Buffer {
  const w = new DerWriter();
  w.constructed(TAG.sequence, () => {
    w.constructed(TAG.explicit(0), () => w.primitive(TAG.integer, V3));
    w.primitive(TAG.integer, serial);
    w.copy(issuer.signatureAlgorithm);
    w.copy(issuer.name);
    w.constructed(TAG.sequence, () => w.time(terms.notBefore).time(terms.notAfter));
    // Subject and key byte for byte: the same Name string types (UTF8String, BMPString) and key.
    w.copy(old.subject);
    w.copy(old.spki);
    w.constructed(TAG.explicit(3), () =>
      w.constructed(TAG.sequence, () => {
        for (const e of old.extensions) if (COPIED.has(e.oid)) w.copy(e.element);
        w.constructed(TAG.sequence, () =>
          w.oid(SUBJECT_KEY_IDENTIFIER).constructed(TAG.octetString, () => w.primitive(TAG.octetString, keyIdentifierOfSpki(old.spki))),
        );
        w.copy(issuer.authorityKeyIdentifier);
      }),
    );
  });
  return w.toBytes();
}

export async function issueCertificate(issuer: Issuer, terms: RenewalTerms): Promise<IssuedDer> {
  const old = certificateParts(terms.old);
  const serial = randomSerial();
  const tbs = tbsCertificate(issuer, old, serial, terms);
  const signature = await issuer.signer.sign(tbs);
  return { der: new Uint8Array(signedEnvelope(tbs, issuer.algorithm, signature)), serial: normalizeSerial(serial.toString('hex')) };
}
