/**
 * Building the renewed certificate. It keeps everything the customer's software relies on from
 * the old one (subject bytes, key, key usage, extended key usage, alternative names) and changes
 * only what the renewal is about: issuer key, serial and validity.
 */
import { randomBytes, X509Certificate as NodeCertificate, webcrypto } from 'node:crypto';
import type { CaCertificate } from '../campaign/campaign.js';
import { normalizeSerial } from '../campaign/certificate.js';
import { x509 } from '../campaign/x509.js';
import { CapbuError } from '../errors.js';
import type { CaSigner } from './signer.js';

const KEY_USAGE = '2.5.29.15';
const SUBJECT_ALT_NAME = '2.5.29.17';
const EXTENDED_KEY_USAGE = '2.5.29.37';
const COPIED = new Set([KEY_USAGE, SUBJECT_ALT_NAME, EXTENDED_KEY_USAGE]);

/** 16 random bytes with the top bit clear (positive) and the next set (no leading zero): 126 bits. */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** The new CA as issuance needs it, prepared once at start. */
export interface Issuer {
  readonly ca: CaCertificate;
  readonly signer: CaSigner;
  /** Names the new CA key: its certificate's own key identifier when it has one. */
  readonly authorityKeyIdentifier: x509.AuthorityKeyIdentifierExtension;
  readonly name: x509.Name;
}

export async function prepareIssuer(ca: CaCertificate, signer: CaSigner): Promise<Issuer> {
  const cert = new x509.X509Certificate(new Uint8Array(ca.facts.der));
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const authorityKeyIdentifier = ski
    ? new x509.AuthorityKeyIdentifierExtension(ski.keyId)
    : await x509.AuthorityKeyIdentifierExtension.create(cert.publicKey);
  return { ca, signer, authorityKeyIdentifier, name: cert.subjectName };
}

/**
 * @peculiar/x509 signs through a WebCrypto-shaped provider; this one hands the to-be-signed bytes
 * to the CA signer, whatever holds the key. Nothing else of the provider is used: the serial,
 * names and public key are all given.
 */
function providerFor(signer: CaSigner): { crypto: webcrypto.Crypto; key: webcrypto.CryptoKey } {
  const crypto = {
    getRandomValues: webcrypto.getRandomValues.bind(webcrypto),
    subtle: { sign: async (_alg: unknown, _key: unknown, data: ArrayBuffer) => (await signer.sign(new Uint8Array(data))).buffer },
  } as unknown as webcrypto.Crypto;
  const key = { type: 'private', algorithm: signer.algorithm, extractable: false, usages: ['sign'] } as unknown as webcrypto.CryptoKey;
  return { crypto, key };
}

export interface RenewalTerms {
  readonly old: x509.X509Certificate;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface IssuedDer {
  readonly der: Uint8Array;
  readonly serial: string;
}

export async function issueCertificate(issuer: Issuer, terms: RenewalTerms): Promise<IssuedDer> {
  const { old } = terms;
  const serial = randomSerial();
  const { crypto, key } = providerFor(issuer.signer);
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial,
      // The parsed Name re-serialises to the very bytes it was read from (UTF8String or BMPString).
      subject: old.subjectName,
      issuer: issuer.name,
      notBefore: terms.notBefore,
      notAfter: terms.notAfter,
      publicKey: old.publicKey,
      signingKey: key,
      signingAlgorithm: issuer.signer.algorithm as unknown as webcrypto.Algorithm,
      extensions: [
        ...old.extensions.filter((e) => COPIED.has(e.type)),
        await x509.SubjectKeyIdentifierExtension.create(old.publicKey),
        issuer.authorityKeyIdentifier,
      ],
    },
    crypto,
  );
  const der = new Uint8Array(certificate.rawData);
  // An HSM or key fault must never reach a customer's token as a certificate that does not verify.
  if (!new NodeCertificate(Buffer.from(der)).verify(issuer.ca.publicKey)) {
    throw new CapbuError('INTERNAL', { message: 'issued certificate does not verify with the new CA key' });
  }
  return { der, serial: normalizeSerial(serial) };
}
