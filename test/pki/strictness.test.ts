/**
 * The certificate reader reads as a strict DER parser does (issue 10, point 20): every point below
 * is refused with its problem name, and on real certificates and seeded mutations of them it
 * agrees with a reader that shares no code with capbu (OpenSSL and @peculiar/asn1-x509).
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificatesFromFile, certificateParts, parseCertificate } from '../../src/pki/certificate.js';
import { DerError, DerWriter, type DerProblem } from '../../src/pki/der.js';
import { independentRead } from '../support/independent-reader.js';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The pieces of a TBSCertificate, each a whole TLV, so a case can replace one. */
interface Pieces {
  version: Buffer | null;
  serial: Buffer;
  algorithm: Buffer;
  issuer: Buffer;
  validity: Buffer;
  subject: Buffer;
  spki: Buffer;
  tail: Buffer[];
}

const der = (write: (w: DerWriter) => void): Buffer => {
  const w = new DerWriter();
  write(w);
  return w.toBytes();
};
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const ECDSA_SHA256 = der((w) => w.constructed(0x30, () => w.oid('1.2.840.10045.4.3.2')));
const name = (cn: string) => der((w) => w.constructed(0x30, () => w.constructed(0x31, () => w.constructed(0x30, () => w.oid('2.5.4.3').primitive(0x0c, Buffer.from(cn))))));
const extension = (oid: string, value: Buffer, critical?: Buffer) =>
  der((w) => w.constructed(0x30, () => {
    w.oid(oid);
    if (critical) w.primitive(0x01, critical);
    w.primitive(0x04, value);
  }));
const extensions = (...list: Buffer[]) => der((w) => w.constructed(0xa3, () => w.constructed(0x30, () => list.forEach((e) => w.primitive(0x30, e.subarray(2))))));
const basicConstraints = (content: Buffer) => extension('2.5.29.19', der((w) => w.primitive(0x30, content)), hex('ff'));
const time = (tag: number, text: string) => der((w) => w.primitive(tag, Buffer.from(text, 'latin1')));
const validity = (from: Buffer, to: Buffer) => der((w) => w.primitive(0x30, Buffer.concat([from, to])));

const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });

function good(): Pieces {
  return {
    version: hex('a003 020102'),
    serial: hex('020200ff'),
    algorithm: ECDSA_SHA256,
    issuer: name('Viettel-CA'),
    validity: validity(time(0x17, '180301020000Z'), time(0x17, '201002090000Z')),
    subject: name('Công ty Ước'),
    spki,
    tail: [extensions(basicConstraints(hex('0101ff')), extension('2.5.29.15', hex('03020186'), hex('ff')))],
  };
}

function certificate(p: Pieces): Buffer {
  const tbs = Buffer.concat([p.version ?? Buffer.alloc(0), p.serial, p.algorithm, p.issuer, p.validity, p.subject, p.spki, ...p.tail]);
  return der((w) => w.constructed(0x30, () => {
    w.primitive(0x30, tbs);
    w.primitive(0x30, ECDSA_SHA256.subarray(2));
    w.primitive(0x03, hex('00 3006 020101 020101'));
  }));
}

const problemOf = (bytes: Uint8Array): DerProblem | 'accepted' => {
  try {
    parseCertificate(bytes);
    return 'accepted';
  } catch (error) {
    if (error instanceof DerError) return error.problem;
    throw error;
  }
};

/** A certificate whose outer SEQUENCE's length is written in `header` instead of its DER form. */
function withOuterLength(bytes: Buffer, header: Buffer, trailer = Buffer.alloc(0)): Buffer {
  const headerLength = bytes[1]! & 0x80 ? 2 + (bytes[1]! & 0x7f) : 2;
  return Buffer.concat([header, bytes.subarray(headerLength), trailer]);
}

describe('refused, each with its problem, and refused by the independent reader too', () => {
  const g = good();
  const cases: [string, Buffer, DerProblem][] = [
    ['serial -1 (would read as ff, a collision with serial 0xff)', certificate({ ...g, serial: hex('0201ff') }), 'serial-negative'],
    ['serial -256', certificate({ ...g, serial: hex('0202ff00') }), 'serial-negative'],
    ['serial padded with a needless zero', certificate({ ...g, serial: hex('0202007f') }), 'integer-form'],
    ['an empty serial', certificate({ ...g, serial: hex('0200') }), 'integer-form'],
    ['version 7', certificate({ ...g, version: hex('a003 020107') }), 'version'],
    ['version -1', certificate({ ...g, version: hex('a003 0201ff') }), 'version'],
    ['version v1 written out (DEFAULT)', certificate({ ...g, version: hex('a003 020100'), tail: [] }), 'default-encoded'],
    ['extensions in a v1 certificate', certificate({ ...g, version: null }), 'version'],
    ['extension critical FALSE written out (DEFAULT)', certificate({ ...g, tail: [extensions(extension('2.5.29.15', hex('03020186'), hex('00')))] }), 'default-encoded'],
    ['basicConstraints cA FALSE written out (DEFAULT)', certificate({ ...g, tail: [extensions(basicConstraints(hex('010100')))] }), 'default-encoded'],
    ['BOOLEAN 0x01 for TRUE', certificate({ ...g, tail: [extensions(basicConstraints(hex('010101')))] }), 'boolean'],
    ['BOOLEAN of two bytes', certificate({ ...g, tail: [extensions(basicConstraints(hex('0102ffff')))] }), 'boolean'],
    ['the same extension twice', certificate({ ...g, tail: [extensions(basicConstraints(hex('0101ff')), basicConstraints(hex('0101ff')))] }), 'extension-duplicate'],
    ['an empty extensions list', certificate({ ...g, tail: [hex('a302 3000')] }), 'structure'],
    ['a field after the extensions', certificate({ ...g, tail: [...g.tail, hex('0500')] }), 'structure'],
    ['an extension value with a BER length inside', certificate({ ...g, tail: [extensions(extension('2.5.29.17', hex('30 81 03 820161')))] }), 'length-form'],
    ['an empty OID', certificate({ ...g, algorithm: hex('3002 0600') }), 'oid'],
    ['an OID whose last arc is cut short', certificate({ ...g, algorithm: hex('3004 06022a86') }), 'oid'],
    ['an OID arc with a needless leading 0x80', certificate({ ...g, algorithm: hex('3005 06032a8001') }), 'oid'],
    ['month 13', certificate({ ...g, validity: validity(time(0x17, '181301020000Z'), time(0x17, '201002090000Z')) }), 'time'],
    ['second 60', certificate({ ...g, validity: validity(time(0x17, '180301020060Z'), time(0x17, '201002090000Z')) }), 'time'],
    ['30 February', certificate({ ...g, validity: validity(time(0x17, '180230020000Z'), time(0x17, '201002090000Z')) }), 'time'],
    ['hour 24', certificate({ ...g, validity: validity(time(0x17, '180301240000Z'), time(0x17, '201002090000Z')) }), 'time'],
    ['29 February 2100 (no leap day)', certificate({ ...g, validity: validity(time(0x17, '180301020000Z'), time(0x18, '21000229000000Z')) }), 'time'],
    ['a time without seconds', certificate({ ...g, validity: validity(time(0x17, '1803010200Z'), time(0x17, '201002090000Z')) }), 'time'],
    ['a time with an offset instead of Z', certificate({ ...g, validity: validity(time(0x17, '180301020000+0700'), time(0x17, '201002090000Z')) }), 'time'],
    ['a GeneralizedTime with fractional seconds', certificate({ ...g, validity: validity(time(0x17, '180301020000Z'), time(0x18, '20201002090000.5Z')) }), 'time'],
  ];
  const bytes = certificate(g);
  const body = bytes.length - (bytes[1]! & 0x80 ? 2 + (bytes[1]! & 0x7f) : 2);
  cases.push(
    ['indefinite length', withOuterLength(bytes, hex('3080'), hex('0000')), 'length-form'],
    ['length with a needless leading zero', withOuterLength(bytes, Buffer.from([0x30, 0x83, 0, body >> 8, body & 0xff])), 'length-form'],
    ['a one-byte length in long form', certificate({ ...g, serial: hex('02 81 01 05') }), 'length-form'],
    ['cut short', bytes.subarray(0, bytes.length - 1), 'truncated'],
    ['a byte after it', Buffer.concat([bytes, hex('00')]), 'trailing-bytes'],
  );

  it('the well-formed base case is accepted by both readers', () => {
    const base = certificate(g);
    expect(problemOf(base)).toBe('accepted');
    expect(independentRead(base)).not.toBeNull();
  });

  it.each(cases)('%s', (_what, bytes, problem) => {
    expect(problemOf(bytes)).toBe(problem);
    expect(independentRead(bytes)).toBeNull();
  });

  it('serials 0xff and -1 stay apart: one is read, the other refused', () => {
    const positive = parseCertificate(certificate(g));
    expect(positive.serial).toBe('ff');
    expect(problemOf(certificate({ ...g, serial: hex('0201ff') }))).toBe('serial-negative');
  });
});

/** xorshift32: the same mutations on every run, so a disagreement can be replayed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

function mutate(der: Buffer, next: () => number): Buffer {
  const out = Buffer.from(der);
  const at = Math.floor(next() * out.length);
  switch (Math.floor(next() * 4)) {
    case 0:
      out[at] = Math.floor(next() * 256);
      return out;
    case 1:
      out[at]! ^= 1 << Math.floor(next() * 8);
      return out;
    case 2:
      // Drop or insert a byte: every length above it is then wrong.
      return next() < 0.5 ? Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]) : Buffer.concat([out.subarray(0, at), Buffer.from([Math.floor(next() * 256)]), out.subarray(at)]);
    default:
      // A digit of a time, a length byte or a tag: the bytes the rules above are about.
      out[at] = [0x30, 0x31, 0x39, 0x80, 0x81, 0x00, 0xff, 0x01][Math.floor(next() * 8)]!;
      return out;
  }
}

function agree(bytes: Uint8Array, label: string): 'accepted' | 'refused' {
  const theirs = independentRead(bytes);
  let ours: ReturnType<typeof parseCertificate> | null = null;
  let problem = '';
  try {
    ours = parseCertificate(bytes);
  } catch (error) {
    // Refusals are DerErrors with a problem name, never a library's message.
    expect(error, label).toBeInstanceOf(DerError);
    problem = (error as DerError).problem;
  }
  const verdicts = `capbu ${ours ? 'accepts' : `refuses (${problem})`}, the independent reader ${theirs ? 'accepts' : 'refuses'}`;
  expect(ours === null, `${label}: ${verdicts}: ${Buffer.from(bytes).toString('base64')}`).toBe(theirs === null);
  if (!ours || !theirs) return 'refused';
  const parts = certificateParts(ours);
  expect(
    {
      serial: ours.serial,
      notBefore: ours.notBefore.toISOString(),
      notAfter: ours.notAfter.toISOString(),
      isCa: ours.isCa,
      issuer: Buffer.from(parts.issuer.bytes).toString('hex'),
      subject: Buffer.from(ours.subjectDer).toString('hex'),
      extensions: parts.extensions.map((e) => e.oid),
    },
    label,
  ).toEqual({
    serial: theirs.serial,
    notBefore: theirs.notBefore.toISOString(),
    notAfter: theirs.notAfter.toISOString(),
    isCa: theirs.isCa,
    issuer: theirs.issuerDer.toString('hex'),
    subject: theirs.subjectDer.toString('hex'),
    extensions: theirs.extensionOids,
  });
  return 'accepted';
}

describe('differential, against OpenSSL and @peculiar/asn1-x509', () => {
  const corpus = certificatesFromFile(readFileSync(BUNDLE)).map((d) => Buffer.from(d));

  it("reads Debian's CA bundle as the independent reader does", () => {
    expect(corpus.length).toBeGreaterThan(100);
    const verdicts = corpus.map((d, i) => agree(d, `bundle #${i}`));
    expect(verdicts.filter((v) => v === 'accepted').length).toBe(corpus.length);
  });

  it('agrees on 2,000 seeded mutations of them', () => {
    const next = random(20_260_901);
    const counts = { accepted: 0, refused: 0 };
    for (let i = 0; i < 2_000; i++) {
      const base = corpus[Math.floor(next() * corpus.length)]!;
      let bytes = mutate(base, next);
      if (next() < 0.3) bytes = mutate(bytes, next);
      counts[agree(bytes, `mutation #${i}`)]++;
    }
    // Both outcomes occur, so the comparison is not all one way.
    expect(counts.accepted).toBeGreaterThan(100);
    expect(counts.refused).toBeGreaterThan(500);
  });
});
