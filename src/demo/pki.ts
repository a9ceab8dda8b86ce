/**
 * A throw-away PKI shaped like the campaign's: a root, an old and a new CA that share one name
 * with different keys, and an unrelated CA. The demo world and the tests both build on it.
 */
import { webcrypto } from 'node:crypto';
import { randomSerial } from '../pki/serial.js';
import { x509 } from '../pki/x509.js';
import { UID_OID } from '../pki/names.js';

const subtle = webcrypto.subtle;

export const RSA_ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

export const EC_ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface Authority {
  readonly certificate: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
}

export interface Pki {
  readonly root: Authority;
  /** The CA key being retired: its certificates are capped at its own expiry. */
  readonly oldCa: Authority;
  /** Same name as oldCa, new key. */
  readonly newCa: Authority;
  /** Some other CA, for certificates the campaign must ignore. */
  readonly otherCa: Authority;
}

export interface PkiDates {
  readonly oldCaNotBefore: Date;
  readonly oldCaNotAfter: Date;
  readonly newCaNotBefore: Date;
  readonly newCaNotAfter: Date;
}

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

export const CA_NAME = 'C=VN,O=Viettel Group,CN=Viettel-CA';

export async function generateKeys(alg: typeof RSA_ALG | typeof EC_ALG = RSA_ALG): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** A root may sign CAs; the CAs under it sign only subscribers. */
function caExtensions(publicKey: CryptoKey, issuerKey: CryptoKey, isRoot: boolean) {
  return Promise.all([
    x509.SubjectKeyIdentifierExtension.create(publicKey),
    x509.AuthorityKeyIdentifierExtension.create(issuerKey),
  ]).then(([ski, aki]) => [
    new x509.BasicConstraintsExtension(true, isRoot ? undefined : 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ski,
    aki,
  ]);
}

async function issueCa(
  name: string,
  keys: CryptoKeyPair,
  issuer: Authority | null,
  notBefore: Date,
  notAfter: Date,
): Promise<Authority> {
  const signer = issuer?.keys ?? keys;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial().toString('hex'),
    subject: name,
    issuer: issuer ? issuer.certificate.subjectName : name,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    signingAlgorithm: RSA_ALG,
    extensions: await caExtensions(keys.publicKey, signer.publicKey, issuer === null),
  });
  return { certificate, keys };
}

export async function buildPki(dates: PkiDates): Promise<Pki> {
  const [rootKeys, oldKeys, newKeys, otherKeys] = await Promise.all([
    generateKeys(),
    generateKeys(),
    generateKeys(),
    generateKeys(),
  ]);
  const farPast = new Date(dates.oldCaNotBefore.getTime() - 365 * 86400_000);
  const farFuture = new Date(dates.newCaNotAfter.getTime() + 5 * 365 * 86400_000);
  const root = await issueCa('C=VN,O=National Root,CN=Root CA', rootKeys, null, farPast, farFuture);
  return {
    root,
    oldCa: await issueCa(CA_NAME, oldKeys, root, dates.oldCaNotBefore, dates.oldCaNotAfter),
    newCa: await issueCa(CA_NAME, newKeys, root, dates.newCaNotBefore, dates.newCaNotAfter),
    otherCa: await issueCa('C=VN,O=Other Trust,CN=Other-CA', otherKeys, root, farPast, farFuture),
  };
}

/** How a subject's text is encoded; Vietnamese CAs use both. */
export type NameEncoding = 'utf8String' | 'bmpString';

export interface SubscriberSubject {
  readonly commonName: string;
  readonly taxCode?: string;
  readonly province?: string;
  readonly encoding?: NameEncoding;
}

/** A subscriber name as Vietnamese CAs write it, with the tax code in UID "MST:<code>". */
export function subscriberName(subject: SubscriberSubject): x509.Name {
  const enc = subject.encoding ?? 'utf8String';
  const rdns: Record<string, Record<string, string>[]>[] = [{ C: [{ printableString: 'VN' }] }];
  if (subject.province) rdns.push({ ST: [{ [enc]: subject.province }] });
  rdns.push({ CN: [{ [enc]: subject.commonName }] });
  if (subject.taxCode) rdns.push({ [UID_OID]: [{ utf8String: `MST:${subject.taxCode}` }] });
  return new x509.Name(rdns);
}

export interface SubscriberCertificateParams {
  readonly subject: SubscriberSubject;
  /** SubjectPublicKeyInfo DER of the subscriber's key (made on the token, usually). */
  readonly spki: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serial?: string;
}

/** A subscriber certificate signed by `signer`, naming `issuer` (a forger passes another key). */
export async function issueSubscriber(
  issuer: Authority,
  params: SubscriberCertificateParams,
  signer: CryptoKeyPair = issuer.keys,
): Promise<x509.X509Certificate> {
  const publicKey = new x509.PublicKey(new Uint8Array(params.spki));
  // The subscriber's own curve (tokens may hold P-384 and P-521 keys as well as P-256 ones).
  const alg = publicKey.algorithm.name === 'ECDSA' ? { ...EC_ALG, namedCurve: (publicKey.algorithm as webcrypto.EcKeyAlgorithm).namedCurve } : RSA_ALG;
  const subjectKey = await publicKey.export(alg, ['verify']);
  return x509.X509CertificateGenerator.create({
    serialNumber: params.serial ?? randomSerial().toString('hex'),
    subject: subscriberName(params.subject),
    issuer: issuer.certificate.subjectName,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    publicKey: subjectKey,
    signingKey: signer.privateKey,
    signingAlgorithm: issuer.keys.privateKey.algorithm.name === 'ECDSA' ? EC_ALG : RSA_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4']),
      await x509.SubjectKeyIdentifierExtension.create(subjectKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
}

export async function spkiOf(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle.exportKey('spki', key));
}

export function pem(certificate: x509.X509Certificate): string {
  return certificate.toString('pem');
}
