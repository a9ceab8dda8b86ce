/**
 * Certificates read with the DER cursor: the facts agree with OpenSSL's reading (Node's
 * X509Certificate), and damaged bytes are refused rather than half-read.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSignedBy, normalizeSerial, parseCertificate, publicKeyOf } from '../src/pki/certificate.js';
import { DerError, DerWriter, element, TAG, timeOf } from '../src/pki/der.js';
import { rfc4514 } from '../src/pki/names.js';
import { buildPki, EC_ALG, generateKeys, issueSubscriber, spkiOf, type Pki } from '../src/demo/pki.js';

let pki: Pki;
const certificates: { label: string; der: Uint8Array }[] = [];

beforeAll(async () => {
  pki = await buildPki({
    oldCaNotBefore: new Date('2015-10-02T00:00:00Z'),
    oldCaNotAfter: new Date('2020-10-02T00:00:00Z'),
    newCaNotBefore: new Date('2019-07-17T00:00:00Z'),
    newCaNotAfter: new Date('2024-07-17T00:00:00Z'),
  });
  for (const [label, keys, encoding] of [
    ['RSA key, UTF8String subject', await generateKeys(), 'utf8String'],
    ['P-256 key, BMPString subject', await generateKeys(EC_ALG), 'bmpString'],
  ] as const) {
    const cert = await issueSubscriber(pki.oldCa, {
      subject: { commonName: 'Công ty Ước', taxCode: '0101234567', province: 'Hà Nội', encoding },
      spki: await spkiOf(keys.publicKey),
      notBefore: new Date('2018-03-01T02:00:00Z'),
      // GeneralizedTime from 2050 on.
      notAfter: new Date('2051-01-01T00:00:00Z'),
    });
    certificates.push({ label, der: new Uint8Array(cert.rawData) });
  }
  certificates.push({ label: 'CA certificate', der: new Uint8Array(pki.oldCa.certificate.rawData) });
});

describe('reading certificates', () => {
  it('agrees with OpenSSL on serial, validity, CA flag, names and key', () => {
    for (const { label, der } of certificates) {
      const facts = parseCertificate(der);
      const node = new NodeCertificate(Buffer.from(der));
      expect(facts.serial, label).toBe(normalizeSerial(node.serialNumber));
      expect(facts.notBefore.getTime(), label).toBe(new Date(node.validFrom).getTime());
      expect(facts.notAfter.getTime(), label).toBe(new Date(node.validTo).getTime());
      expect(facts.isCa, label).toBe(node.ca);
      expect(publicKeyOf(facts).equals(node.publicKey), label).toBe(true);
    }
    for (const { der } of certificates.slice(0, 2)) expect(parseCertificate(der).subject).toBe('UID=MST:0101234567,CN=Công ty Ước,ST=Hà Nội,C=VN');
    expect(parseCertificate(certificates[0]!.der).taxCode).toBe('0101234567');
    expect(parseCertificate(certificates[1]!.der).taxCode).toBe('0101234567');
  });

  it('checks the issuer signature with the key, not the name', () => {
    const der = certificates[0]!.der;
    expect(isSignedBy(der, new NodeCertificate(Buffer.from(pki.oldCa.certificate.rawData)).publicKey)).toBe(true);
    expect(isSignedBy(der, new NodeCertificate(Buffer.from(pki.newCa.certificate.rawData)).publicKey)).toBe(false);
  });

  it('refuses a certificate cut short, with bytes after it, or with lengths DER forbids', () => {
    const der = Buffer.from(certificates[0]!.der);
    const damaged = {
      'cut short': der.subarray(0, der.length - 1),
      'a byte after it': Buffer.concat([der, Buffer.from([0])]),
      'indefinite length': Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(4), Buffer.from([0, 0])]),
      'length past 2^31': Buffer.concat([Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), der.subarray(4)]),
      'empty': Buffer.alloc(0),
    };
    for (const [what, bytes] of Object.entries(damaged)) expect(() => parseCertificate(bytes), what).toThrow();
  });

  it('refuses a signature whose inner and outer algorithms differ (RFC 5280 §4.1.1.2)', () => {
    const der = Buffer.from(certificates[0]!.der);
    // sha256WithRSAEncryption's last OID byte is 0x0b; its first occurrence is inside the TBS.
    const oid = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]);
    const at = der.indexOf(oid);
    const altered = Buffer.from(der);
    altered[at + oid.length - 1] = 0x0c;
    expect(isSignedBy(altered, new NodeCertificate(Buffer.from(pki.oldCa.certificate.rawData)).publicKey)).toBe(false);
  });
});

describe('names and times', () => {
  it('reads UniversalString and TeletexString values as text', () => {
    const universal = Buffer.alloc(4 * 3);
    [...'Ước'].forEach((c, i) => universal.writeUInt32BE(c.codePointAt(0)!, 4 * i));
    const w = new DerWriter();
    w.constructed(TAG.sequence, () => {
      w.constructed(TAG.set, () => w.constructed(TAG.sequence, () => w.oid('2.5.4.3').primitive(0x1c, universal)));
      w.constructed(TAG.set, () => w.constructed(TAG.sequence, () => w.oid('2.5.4.10').primitive(0x14, Buffer.from('Caf\xe9', 'latin1'))));
    });
    expect(rfc4514(w.toBytes())).toBe('O=Café,CN=Ước');
  });

  it('copies an element byte for byte, and refuses to read one with a length DER forbids', () => {
    const read = Buffer.from('30030201' + '05', 'hex');
    const w = new DerWriter();
    w.constructed(TAG.sequence, () => w.copy(element(read, TAG.sequence)));
    expect(w.toBytes().toString('hex')).toBe('3005' + read.toString('hex'));
    expect(() => element(Buffer.from('3081030201' + '05', 'hex'), TAG.sequence)).toThrow(DerError);
  });

  it('writes UTCTime through 2049 and GeneralizedTime from 2050, and reads both back', () => {
    for (const [iso, tag] of [
      ['2049-12-31T23:59:59.000Z', TAG.utcTime],
      ['2050-01-01T00:00:00.000Z', TAG.generalizedTime],
      ['1999-07-17T01:02:03.000Z', TAG.utcTime],
    ] as const) {
      const e = element(new DerWriter().time(new Date(iso)).toBytes(), tag);
      expect(timeOf(e).toISOString()).toBe(iso);
    }
    expect(() => timeOf(element(Buffer.from('17 0d 32 30 30 32 33 30 30 30 30 30 30 30 5a'.replace(/ /g, ''), 'hex'), TAG.utcTime))).toThrow();
  });
});
