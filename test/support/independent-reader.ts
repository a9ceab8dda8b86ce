/**
 * Reads tokens and certificates with tools that share no code with capbu — OpenSC's pkcs11-tool,
 * OpenSSL and @peculiar/asn1-x509 — to check what capbu reads and writes as any other
 * application would see it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asnRsa from '@peculiar/asn1-rsa';
import * as asnX509 from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { DEBIAN_SOFTHSM2 } from '../../src/token/module.js';

export interface TokenCertificate {
  readonly id: string;
  readonly label: string;
  readonly der: Buffer;
}

function tool(env: NodeJS.ProcessEnv, args: string[]): Buffer {
  return execFileSync('pkcs11-tool', ['--module', DEBIAN_SOFTHSM2, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
}

export function certificatesOn(env: NodeJS.ProcessEnv, label: string, dir: string): TokenCertificate[] {
  const listing = tool(env, ['--token-label', label, '--list-objects', '--type', 'cert']).toString();
  const out: TokenCertificate[] = [];
  for (const block of listing.split(/(?=Certificate Object)/).filter((b) => b.startsWith('Certificate Object'))) {
    const id = /ID:\s+([0-9a-f]+)/.exec(block)?.[1] ?? '';
    const name = /label:\s+(.*)/.exec(block)?.[1]?.trim() ?? '';
    const file = join(mkdtempSync(join(dir, 'read-')), 'cert.der');
    tool(env, ['--token-label', label, '--read-object', '--type', 'cert', '--id', id, '-o', file]);
    out.push({ id, label: name, der: readFileSync(file) });
  }
  return out;
}

/**
 * Whether the token's private key with this ID signs so that the certificate's key verifies it.
 * SoftHSM2 has no CKM_ECDSA_SHA256, so for EC keys OpenSSL hashes and the token signs the digest.
 */
export function keyMatches(env: NodeJS.ProcessEnv, label: string, pin: string, cert: TokenCertificate, dir: string, ec: boolean): boolean {
  const work = mkdtempSync(join(dir, 'sign-'));
  const data = join(work, 'data');
  const signature = join(work, 'sig');
  writeFileSync(data, 'capbu independent check');
  const keyFile = join(work, 'key.pem');
  writeFileSync(keyFile, execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-pubkey'], { input: cert.der }));
  const login = ['--token-label', label, '--login', '--pin', pin, '--sign', '--id', cert.id];
  if (ec) {
    const digest = join(work, 'digest');
    writeFileSync(digest, execFileSync('openssl', ['dgst', '-sha256', '-binary', data]));
    tool(env, [...login, '--mechanism', 'ECDSA', '--signature-format', 'openssl', '-i', digest, '-o', signature]);
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', keyFile, '-in', digest, '-sigfile', signature];
    return spawnSync('openssl', args, { stdio: 'pipe' }).status === 0;
  }
  tool(env, [...login, '--mechanism', 'SHA256-RSA-PKCS', '-i', data, '-o', signature]);
  return spawnSync('openssl', ['dgst', '-sha256', '-verify', keyFile, '-signature', signature, data], { stdio: 'pipe' }).status === 0;
}

/** OpenSSL's verdict on the chain, at a given time. */
export function chainsTo(cert: Buffer, root: string, intermediate: string, at: Date, dir: string): boolean {
  const work = mkdtempSync(join(dir, 'chain-'));
  const certPem = join(work, 'cert.pem');
  writeFileSync(certPem, execFileSync('openssl', ['x509', '-inform', 'DER', '-outform', 'PEM'], { input: cert }));
  const rootFile = join(work, 'root.pem');
  const caFile = join(work, 'ca.pem');
  writeFileSync(rootFile, root);
  writeFileSync(caFile, intermediate);
  const args = ['verify', '-attime', String(Math.floor(at.getTime() / 1000)), '-CAfile', rootFile, '-untrusted', caFile, certPem];
  return spawnSync('openssl', args, { stdio: 'pipe' }).status === 0;
}

/** The extensions capbu reads or copies into renewals, by their asn1-x509 types: re-encoding them is DER's one encoding. */
const EXTENSION_TYPES: Record<string, new () => object> = {
  [asnX509.id_ce_basicConstraints]: asnX509.BasicConstraints,
  [asnX509.id_ce_keyUsage]: asnX509.KeyUsage,
  [asnX509.id_ce_extKeyUsage]: asnX509.ExtendedKeyUsage,
  [asnX509.id_ce_subjectAltName]: asnX509.SubjectAlternativeName,
  [asnX509.id_ce_subjectKeyIdentifier]: asnX509.SubjectKeyIdentifier,
};

function roundTrips(bytes: ArrayBuffer, type: new () => object): boolean {
  try {
    return Buffer.from(AsnConvert.serialize(AsnConvert.parse(bytes, type))).equals(Buffer.from(bytes));
  } catch {
    return false;
  }
}

/** asn1js reads any TLV tree; its encoding of what it read must be the bytes it read. */
function reencodes(bytes: ArrayBuffer): boolean {
  const read = asn1js.fromBER(bytes);
  return read.offset === bytes.byteLength && !read.result.error && Buffer.from(read.result.toBER()).equals(Buffer.from(bytes));
}

/** What a reader that shares no code with capbu's makes of a certificate's bytes. */
export interface IndependentReading {
  /** Lowercase hex of the serial's contents, leading zeros dropped. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  readonly issuerDer: Buffer;
  readonly subjectDer: Buffer;
  readonly extensionOids: readonly string[];
  readonly signatureOid: string;
}

/**
 * A strict reading from two parsers capbu does not use: OpenSSL's (through Node's
 * X509Certificate; it refuses bad OIDs, padded INTEGERs and cut-short input) and
 * @peculiar/asn1-x509 (asn1js underneath), whose re-encoding must give back the very bytes, which
 * is what DER means: one encoding per value (no BER lengths, no DEFAULT written out, BOOLEAN TRUE as
 * 0xFF). On top, the rules of RFC 5280 a parser does not enforce by itself: a positive serial,
 * versions v1–v3, valid calendar times as OpenSSL reads them. Null when the bytes are refused.
 */
export function independentRead(der: Uint8Array): IndependentReading | null {
  const bytes = Buffer.from(der);
  let openssl: NodeCertificate;
  let cert: asnX509.Certificate;
  try {
    openssl = new NodeCertificate(bytes);
    // capbu refuses a certificate whose key cannot be loaded: it could never check anything with it.
    void openssl.publicKey;
    cert = AsnConvert.parse(bytes, asnX509.Certificate);
    if (!Buffer.from(AsnConvert.serialize(cert)).equals(bytes)) return null;
  } catch {
    return null;
  }
  const tbs = cert.tbsCertificate;
  const serial = Buffer.from(tbs.serialNumber);
  if (serial.length === 0 || serial[0]! & 0x80) return null;
  if (![0, 1, 2].includes(tbs.version)) return null;
  if ((tbs.issuerUniqueID || tbs.subjectUniqueID) && tbs.version < 1) return null;
  const list = tbs.extensions;
  if (list && (tbs.version !== 2 || list.length === 0 || new Set(list.map((e) => e.extnID)).size !== list.length)) return null;
  // OpenSSL prints "Bad time value" for a time it cannot read (month 13, second 60).
  const notBefore = new Date(openssl.validFrom);
  const notAfter = new Date(openssl.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) return null;
  // RFC 5280 §4.1.2.5.2: GeneralizedTime without fractional seconds.
  if (tbs.validity.notBefore.getTime().getUTCMilliseconds() || tbs.validity.notAfter.getTime().getUTCMilliseconds()) return null;
  // An extension's value is itself DER: it too must come back as the same bytes.
  for (const e of list ?? []) {
    const type = EXTENSION_TYPES[e.extnID];
    if (!(type ? roundTrips(e.extnValue.buffer, type) : reencodes(e.extnValue.buffer))) return null;
  }
  // RFC 8017 §3.1: an RSA modulus and exponent are positive integers (OpenSSL loads negative ones).
  if (tbs.subjectPublicKeyInfo.algorithm.algorithm === asnRsa.id_rsaEncryption) {
    const key = AsnConvert.parse(tbs.subjectPublicKeyInfo.subjectPublicKey, asnRsa.RSAPublicKey);
    if (new Uint8Array(key.modulus)[0]! & 0x80 || new Uint8Array(key.publicExponent)[0]! & 0x80) return null;
  }
  const basic = list?.find((e) => e.extnID === asnX509.id_ce_basicConstraints);
  return {
    serial: serial.toString('hex').replace(/^0+(?=.)/, ''),
    notBefore,
    notAfter,
    isCa: basic ? AsnConvert.parse(basic.extnValue, asnX509.BasicConstraints).cA : false,
    issuerDer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
    subjectDer: Buffer.from(AsnConvert.serialize(tbs.subject)),
    extensionOids: (tbs.extensions ?? []).map((e) => e.extnID),
    signatureOid: cert.signatureAlgorithm.algorithm,
  };
}
