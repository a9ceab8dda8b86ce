/**
 * Building the renewed certificate. It keeps everything the customer's software relies on from
 * the old one (subject, key, key usage, extended key usage, alternative names) and changes only
 * what the renewal is about: issuer key, serial and validity.
 *
 * The certificate is assembled from the old one's parsed ASN.1 (@peculiar/asn1-x509, the schema
 * library under @peculiar/x509) rather than through X509CertificateGenerator: the generator
 * re-parses every input and its own output, which cost four times the RSA signature itself.
 */
import { createHash, randomBytes, X509Certificate as NodeCertificate } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import type { CaCertificate } from '../campaign/campaign.js';
import { normalizeSerial } from '../campaign/certificate.js';
import { x509 } from '../campaign/x509.js';
import { CapbuError } from '../errors.js';
import type { CaSigner } from './signer.js';

const COPIED = new Set([asn.id_ce_keyUsage, asn.id_ce_subjectAltName, asn.id_ce_extKeyUsage]);

/** 16 random bytes with the top bit clear (positive) and the next set (no leading zero): 126 bits. */
export function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's contents. */
function keyIdentifier(spki: asn.SubjectPublicKeyInfo): Buffer {
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
}

function extension(extnID: string, value: object): asn.Extension {
  return new asn.Extension({ extnID, critical: false, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** The new CA as issuance needs it, prepared once at start. */
export interface Issuer {
  readonly ca: CaCertificate;
  readonly signer: CaSigner;
  readonly name: asn.Name;
  readonly signatureAlgorithm: asn.AlgorithmIdentifier;
  /** Names the new CA key: its certificate's own key identifier when it has one. */
  readonly authorityKeyIdentifier: asn.Extension;
  readonly signatureFormatter: x509.AsnDefaultSignatureFormatter | x509.AsnEcSignatureFormatter;
}

export function prepareIssuer(ca: CaCertificate, signer: CaSigner): Issuer {
  const tbs = AsnConvert.parse(ca.facts.der, asn.Certificate).tbsCertificate;
  const ski = tbs.extensions?.find((e) => e.extnID === asn.id_ce_subjectKeyIdentifier);
  const keyId = ski
    ? Buffer.from(AsnConvert.parse(ski.extnValue.buffer, asn.SubjectKeyIdentifier).buffer)
    : keyIdentifier(tbs.subjectPublicKeyInfo);
  return {
    ca,
    signer,
    name: tbs.subject,
    // The library's own table of WebCrypto algorithms to AlgorithmIdentifiers (NULL parameters for RSA).
    signatureAlgorithm: new x509.AlgorithmProvider().toAsnAlgorithm(signer.algorithm as never) as asn.AlgorithmIdentifier,
    authorityKeyIdentifier: extension(
      asn.id_ce_authorityKeyIdentifier,
      new asn.AuthorityKeyIdentifier({ keyIdentifier: new asn.KeyIdentifier(new Uint8Array(keyId)) }),
    ),
    signatureFormatter: signer.algorithm.name === 'ECDSA' ? new x509.AsnEcSignatureFormatter() : new x509.AsnDefaultSignatureFormatter(),
  };
}

export interface RenewalTerms {
  /** The old certificate's DER. */
  readonly old: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface IssuedDer {
  readonly der: Uint8Array;
  readonly serial: string;
}

export async function issueCertificate(issuer: Issuer, terms: RenewalTerms): Promise<IssuedDer> {
  const old = AsnConvert.parse(terms.old, asn.Certificate).tbsCertificate;
  const serial = randomSerial();
  const tbs = new asn.TBSCertificate({
    version: asn.Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: issuer.signatureAlgorithm,
    issuer: issuer.name,
    validity: new asn.Validity({ notBefore: terms.notBefore, notAfter: terms.notAfter }),
    // The parsed Name is written back with the same string types (UTF8String, BMPString), byte for byte.
    subject: old.subject,
    subjectPublicKeyInfo: old.subjectPublicKeyInfo,
    extensions: new asn.Extensions([
      ...(old.extensions ?? []).filter((e) => COPIED.has(e.extnID)),
      extension(asn.id_ce_subjectKeyIdentifier, new asn.SubjectKeyIdentifier(new Uint8Array(keyIdentifier(old.subjectPublicKeyInfo)))),
      issuer.authorityKeyIdentifier,
    ]),
  });
  const signature = await issuer.signer.sign(new Uint8Array(AsnConvert.serialize(tbs)));
  const signatureValue = issuer.signatureFormatter.toAsnSignature(issuer.signer.algorithm as never, signature);
  if (!signatureValue) throw new CapbuError('INTERNAL', { message: 'cannot encode the CA signature' });
  const der = new Uint8Array(
    AsnConvert.serialize(new asn.Certificate({ tbsCertificate: tbs, signatureAlgorithm: issuer.signatureAlgorithm, signatureValue })),
  );
  // An HSM or key fault must never reach a customer's token as a certificate that does not verify.
  if (!new NodeCertificate(Buffer.from(der)).verify(issuer.ca.publicKey)) {
    throw new CapbuError('INTERNAL', { message: 'issued certificate does not verify with the new CA key' });
  }
  return { der, serial: normalizeSerial(serial.toString('hex')) };
}
