/**
 * DER (X.690 §10) read as a cursor over the bytes and written by concatenation. Certificates and
 * requests are read for a few fields and copied piecewise, so nothing here builds a whole tree:
 * that is what made asn1js and Node's X509Certificate cost more per renewal than the CA's RSA
 * signature. Reading is strict: whatever DER forbids and BER allows is refused, because the centre
 * copies what it read into the certificates it signs.
 */

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
  /** [n] EXPLICIT, constructed, context-specific. */
  explicit: (n: number) => 0xa0 | n,
  /** [n] IMPLICIT on a primitive type, context-specific. */
  implicit: (n: number) => 0x80 | n,
} as const;

/** One TLV: its tag byte, its contents, and the whole encoding (tag and length included). */
export interface Element {
  readonly tag: number;
  readonly content: Buffer;
  readonly bytes: Buffer;
}

/** What is wrong with bytes that are not the DER expected; stable names, shown to operators. */
export const DER_PROBLEMS = [
  /** Ends inside an element, or nothing at all. */
  'truncated',
  /** Bytes after the element that should be all of them. */
  'trailing-bytes',
  /** A BER length form: indefinite, or longer than needed. */
  'length-form',
  /** A tag other than the one expected, a high tag number, or fields out of order, missing or extra. */
  'structure',
  /** An INTEGER with needless leading bytes, or empty. */
  'integer-form',
  /** A serial number below zero (RFC 5280 §4.1.2.2). */
  'serial-negative',
  /** A version other than v1, v2 or v3, or a field that version does not have. */
  'version',
  /** A field equal to its DEFAULT written out, which DER omits (X.690 §11.5). */
  'default-encoded',
  /** An OBJECT IDENTIFIER that is empty, cut short, or has needless leading bytes. */
  'oid',
  /** A time not written YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ, or not a real calendar time. */
  'time',
  /** A BOOLEAN other than 0x00 or 0xFF (X.690 §11.1). */
  'boolean',
  /** A string that its type cannot hold: UTF8String that is not UTF-8, a BMPString of odd length. */
  'string',
  /** A BIT STRING with unused bits where whole bytes belong, or set unused bits. */
  'bit-string',
  /** The same extension twice (RFC 5280 §4.2). */
  'extension-duplicate',
  /** A public key that cannot be loaded. */
  'key',
] as const;

export type DerProblem = (typeof DER_PROBLEMS)[number];

export class DerError extends Error {
  constructor(readonly problem: DerProblem) {
    super(problem);
    this.name = 'DerError';
  }
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The TLV at `at`, which must end by `end`. */
function readAt(buffer: Buffer, at: number, end: number): Element {
  if (at + 2 > end) throw new DerError('truncated');
  const tag = buffer[at]!;
  // High tag numbers (0x1f): X.509 and PKCS#10 have none; 0x00 is BER's end-of-contents.
  if ((tag & 0x1f) === 0x1f || tag === 0) throw new DerError('structure');
  let i = at + 1;
  let length = buffer[i++]!;
  if (length & 0x80) {
    const count = length & 0x7f;
    // 0x80 is BER's indefinite form; a leading zero byte or a long form below 128 is not minimal.
    if (count === 0 || (i < end && buffer[i] === 0)) throw new DerError('length-form');
    if (count > 4 || i + count > end) throw new DerError('truncated');
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + buffer[i++]!;
    if (length < 0x80) throw new DerError('length-form');
  }
  if (i + length > end) throw new DerError('truncated');
  return { tag, content: buffer.subarray(i, i + length), bytes: buffer.subarray(at, i + length) };
}

/** Every TLV in `bytes`, one after the other; throws DerError when they do not fill it exactly. */
export function elements(bytes: Uint8Array): Element[] {
  const buffer = asBuffer(bytes);
  const out: Element[] = [];
  for (let at = 0; at < buffer.length; ) {
    const e = readAt(buffer, at, buffer.length);
    out.push(e);
    at += e.bytes.length;
  }
  return out;
}

/** The single TLV that is all of `bytes`, with the tag expected. */
export function element(bytes: Uint8Array, tag: number): Element {
  const buffer = asBuffer(bytes);
  const e = readAt(buffer, 0, buffer.length);
  if (e.tag !== tag) throw new DerError('structure');
  if (e.bytes.length !== buffer.length) throw new DerError('trailing-bytes');
  return e;
}

/** The children of a constructed element, each checked against the tags given (a prefix of them). */
export function children(parent: Element, ...tags: number[]): Element[] {
  const all = elements(parent.content);
  tags.forEach((tag, i) => {
    if (all[i]?.tag !== tag) throw new DerError('structure');
  });
  return all;
}

/** Exactly the children given by `tags`, in that order. */
export function exactChildren(parent: Element, ...tags: number[]): Element[] {
  const all = children(parent, ...tags);
  if (all.length !== tags.length) throw new DerError('structure');
  return all;
}

/**
 * Every element inside `bytes`, all the way down through constructed ones, is DER, universal
 * primitives by their type's rules. For bytes copied without being read (extension values): they
 * get signed as they are.
 */
export function assertDer(bytes: Uint8Array): void {
  for (const e of elements(bytes)) {
    if (e.tag & 0x20) assertDer(e.content);
    else if (e.tag === TAG.boolean) booleanOf(e);
    else if (e.tag === TAG.integer) integerOf(e);
    else if (e.tag === TAG.bitString) bitStringOf(e);
    else if (e.tag === TAG.oid) decodeOid(e.content);
    else if (e.tag === TAG.null && e.content.length > 0) throw new DerError('structure');
    else if (e.tag === TAG.utcTime || e.tag === TAG.generalizedTime) decodeTime(e.tag, e.content);
  }
}

/** A BIT STRING, whatever its tag: unused bits 0–7, none when empty, and the unused bits zero (X.690 §11.2). */
export function bitStringOf(e: Element): Buffer {
  const c = e.content;
  const unused = c[0];
  if (unused === undefined || unused > 7 || (c.length === 1 && unused !== 0)) throw new DerError('bit-string');
  if (unused > 0 && c[c.length - 1]! & ((1 << unused) - 1)) throw new DerError('bit-string');
  return c;
}

/** An INTEGER's two's-complement contents, checked minimal (X.690 §8.3.2). */
export function integerOf(e: Element): Buffer {
  if (e.tag !== TAG.integer) throw new DerError('structure');
  const c = e.content;
  if (c.length === 0) throw new DerError('integer-form');
  if (c.length > 1 && ((c[0] === 0 && !(c[1]! & 0x80)) || (c[0] === 0xff && c[1]! & 0x80))) throw new DerError('integer-form');
  return c;
}

/** A small non-negative INTEGER's value (versions). */
export function smallIntegerOf(e: Element): number {
  const c = integerOf(e);
  if (c[0]! & 0x80 || c.length > 4) return -1;
  return c.readUIntBE(0, c.length);
}

export function booleanOf(e: Element): boolean {
  if (e.tag !== TAG.boolean) throw new DerError('structure');
  if (e.content.length !== 1 || (e.content[0] !== 0 && e.content[0] !== 0xff)) throw new DerError('boolean');
  return e.content[0] === 0xff;
}

/** An OBJECT IDENTIFIER element in dotted form. */
export function oidOf(e: Element): string {
  if (e.tag !== TAG.oid) throw new DerError('structure');
  return decodeOid(e.content);
}

/**
 * X.690 §8.19: base-128 subidentifiers, high bit set on all but each one's last byte, no leading
 * 0x80; the first joins two arcs as 40·X + Y, so from 80 on it is 2.(n − 80). Arcs of any size
 * (BigInt past 2^53), so two different OIDs never print the same.
 */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) throw new DerError('oid');
  const arcs: string[] = [];
  let i = 0;
  while (i < content.length) {
    if (content[i] === 0x80) throw new DerError('oid');
    let small = 0;
    let big: bigint | null = null;
    for (;;) {
      if (i >= content.length) throw new DerError('oid');
      const byte = content[i++]!;
      if (big === null && small < 2 ** 45) small = small * 128 + (byte & 0x7f);
      else big = (big ?? BigInt(small)) * 128n + BigInt(byte & 0x7f);
      if (!(byte & 0x80)) break;
    }
    if (arcs.length === 0) {
      if (big !== null) arcs.push('2', String(big - 80n));
      else if (small < 80) arcs.push(String(Math.floor(small / 40)), String(small % 40));
      else arcs.push('2', String(small - 80));
    } else {
      arcs.push(big !== null ? String(big) : String(small));
    }
  }
  return arcs.join('.');
}

/** A BIT STRING's bits as bytes; only whole bytes, as keys and signatures are. */
export function bitStringBytes(e: Element): Buffer {
  if (e.tag !== TAG.bitString) throw new DerError('structure');
  if (e.content.length === 0 || e.content[0] !== 0) throw new DerError('bit-string');
  return e.content.subarray(1);
}

export function timeOf(e: Element): Date {
  if (e.tag !== TAG.utcTime && e.tag !== TAG.generalizedTime) throw new DerError('structure');
  return decodeTime(e.tag, e.content);
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

const leap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) => (month === 2 ? (leap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/**
 * RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ (years 1950–2049) or GeneralizedTime YYYYMMDDHHMMSSZ,
 * every field in its range: no month 13, no 30 February, no second 60 (X.509 has no leap seconds).
 */
export function decodeTime(tag: number, content: Uint8Array): Date {
  const text = asBuffer(content).toString('latin1');
  const m = tag === TAG.utcTime ? UTC_TIME.exec(text) : tag === TAG.generalizedTime ? GENERALIZED_TIME.exec(text) : null;
  if (!m) throw new DerError('time');
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = tag === TAG.utcTime ? (year < 50 ? 2000 + year : 1900 + year) : year;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(fullYear, month) || hour > 23 || minute > 59 || second > 59) {
    throw new DerError('time');
  }
  const date = new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
  // Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(fullYear);
  return date;
}

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** X.690 §8.19, the inverse of decodeOid. */
function encodeOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n || (first < 2n && second >= 40n)) throw new RangeError(`bad OID ${dotted}`);
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const bytes = [Number(arc & 0x7fn)];
    for (let n = arc >> 7n; n > 0n; n >>= 7n) bytes.unshift(Number(n & 0x7fn) | 0x80);
    out.push(...bytes);
  }
  return Buffer.from(out);
}

/** Builds DER bottom-up; elements read from elsewhere go in unchanged. */
export class DerWriter {
  /** The parts of each constructed element still open; the first is the top level. */
  private readonly open: Buffer[][] = [[]];

  private push(part: Buffer): this {
    this.open[this.open.length - 1]!.push(part);
    return this;
  }

  /** A constructed element around whatever `body` writes. */
  constructed(tag: number, body: () => void): this {
    this.open.push([]);
    body();
    const content = Buffer.concat(this.open.pop()!);
    return this.primitive(tag, content);
  }

  primitive(tag: number, content: Uint8Array): this {
    this.push(Buffer.from([tag]));
    this.push(lengthBytes(content.length));
    return this.push(asBuffer(content));
  }

  /** An unsigned number (a serial, an ECDSA r or s) as a minimal INTEGER. */
  unsignedInteger(value: Uint8Array): this {
    let i = 0;
    while (i < value.length - 1 && value[i] === 0) i++;
    const digits = asBuffer(value).subarray(i);
    return this.primitive(TAG.integer, digits[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), digits]) : digits);
  }

  /** An element read elsewhere, written back byte for byte. */
  copy(e: Element): this {
    return this.push(e.bytes);
  }

  oid(dotted: string): this {
    return this.primitive(TAG.oid, encodeOid(dotted));
  }

  /** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
  time(date: Date): this {
    const digits = date.toISOString().slice(0, 19).replace(/[-T:]/g, '') + 'Z';
    const year = date.getUTCFullYear();
    if (year >= 1950 && year < 2050) return this.primitive(TAG.utcTime, Buffer.from(digits.slice(2), 'latin1'));
    return this.primitive(TAG.generalizedTime, Buffer.from(digits, 'latin1'));
  }

  toBytes(): Buffer {
    return Buffer.concat(this.open[0]!);
  }
}
