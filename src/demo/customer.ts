/**
 * Puts a subscriber on a token the way a CA's registration desk would: key made on the token,
 * certificate issued for it and written beside it. Shared by the demo world and the tests.
 */
import { randomBytes } from 'node:crypto';
import type { Pkcs11 } from '../token/module.js';
import { Pin } from '../token/pin.js';
import { closeSession, login, openSession } from '../token/session.js';
import type { TokenSummary } from '../token/slots.js';
import { generateKeyPair, writeCertificate, type KeyAlgorithm } from '../token/write.js';
import { EC_ALG, generateKeys, issueSubscriber, spkiOf, type Authority, type SubscriberSubject } from './pki.js';
import type { x509 } from '../pki/x509.js';

export interface CertificateSpec {
  readonly subject: SubscriberSubject;
  readonly issuer: Authority;
  /** Signs instead of the issuer's key: a forgery that names the issuer. */
  readonly forgedWith?: Authority;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serial?: string;
  readonly algorithm?: KeyAlgorithm;
  /** false: the key stays off the token (a certificate copied without its key). */
  readonly keyOnToken?: boolean;
  readonly label?: string;
}

export interface PlacedCertificate {
  readonly certificate: x509.X509Certificate;
  readonly id: Buffer;
}

/** Adds one certificate (and, unless told otherwise, its key) to a token. */
export async function placeCertificate(
  lib: Pkcs11,
  token: TokenSummary,
  userPin: string,
  spec: CertificateSpec,
): Promise<PlacedCertificate> {
  const id = randomBytes(8);
  const label = spec.label ?? spec.subject.commonName;
  const session = openSession(lib, token, true);
  try {
    login(session, new Pin(userPin));
    let spki: Uint8Array;
    if (spec.keyOnToken === false) {
      const keys = await generateKeys(spec.algorithm === 'ec' ? EC_ALG : undefined);
      spki = await spkiOf(keys.publicKey);
    } else {
      spki = generateKeyPair(session, spec.algorithm ?? 'rsa', id, label).spki;
    }
    const certificate = await issueSubscriber(
      spec.issuer,
      { subject: spec.subject, spki, notBefore: spec.notBefore, notAfter: spec.notAfter, serial: spec.serial },
      spec.forgedWith?.keys,
    );
    writeCertificate(session, { der: new Uint8Array(certificate.rawData), id, label });
    return { certificate, id };
  } finally {
    closeSession(session);
  }
}

/** Adds a CA certificate (no key), as vendors' token tools often do. */
export function placeCaCertificate(lib: Pkcs11, token: TokenSummary, userPin: string, ca: Authority, label: string): void {
  const session = openSession(lib, token, true);
  try {
    login(session, new Pin(userPin));
    writeCertificate(session, { der: new Uint8Array(ca.certificate.rawData), id: randomBytes(8), label });
  } finally {
    closeSession(session);
  }
}
