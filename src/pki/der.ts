/**
 * DER read as a cursor over the bytes, through the `asn1` package's BER reader and writer (the
 * ones ssh2 and sshpk read certificates with). Certificates and requests are read for a few
 * fields and copied piecewise, so nothing here builds a whole tree: that is what made asn1js and
 * Node's X509Certificate cost more per renewal than the CA's RSA signature.
 */
import asn1 from 'asn1';
import { Recent } from './recent.js';

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
} as const;

/** One TLV: its tag byte, its contents, and the whole encoding (tag and length included). */
export interface Element {
  readonly tag: number;
  readonly content: Buffer;
  readonly bytes: Buffer;
}

export class DerError extends Error {}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Every TLV in `bytes`, one after the other; throws DerError when they do not fill it exactly. */
export function elements(bytes: Uint8Array): Element[] {
  const buffer = asBuffer(bytes);
  let reader: asn1.BerReader;
  try {
    reader = new asn1.BerReader(buffer);
  } catch (error) {
    throw new DerError('not DER', { cause: error });
  }
  const out: Element[] = [];
  while (reader.remain > 0) {
    const start = reader.offset;
    let content: Buffer | null;
    try {
      content = reader.readString(reader.peek()!, true);
    } catch (error) {
      throw new DerError('not DER', { cause: error });
    }
    // null: the length runs past the end; a negative length would move the cursor backwards.
    if (content === null || reader.length < 0 || reader.offset <= start) throw new DerError('truncated DER');
    out.push({ tag: buffer[start]!, content, bytes: buffer.subarray(start, reader.offset) });
  }
  return out;
}

/** The single TLV that is all of `bytes`, with the tag expected. */
export function element(bytes: Uint8Array, tag: number): Element {
  const all = elements(bytes);
  if (all.length !== 1 || all[0]!.tag !== tag) throw new DerError(`expected one element of tag 0x${tag.toString(16)}`);
  return all[0]!;
}

/** The children of a constructed element, each checked against the tags given (a prefix of them). */
export function children(parent: Element, ...tags: number[]): Element[] {
  const all = elements(parent.content);
  tags.forEach((tag, i) => {
    if (all[i]?.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)} at ${i}`);
  });
  return all;
}

/** Dotted forms by encoding: certificates repeat the same few dozen OIDs. */
const oids = new Recent<string>(1024);

/** An OBJECT IDENTIFIER element in dotted form. */
export function oidOf(e: Element): string {
  if (e.tag !== TAG.oid) throw new DerError('expected an OBJECT IDENTIFIER');
  return oids.get(e.content.toString('latin1'), () => {
    const oid = new asn1.BerReader(e.bytes).readOID();
    if (oid === null) throw new DerError('truncated OBJECT IDENTIFIER');
    return oid;
  });
}

/** A BIT STRING's bits as bytes; only whole bytes, as keys and signatures are. */
export function bitStringBytes(e: Element): Buffer {
  if (e.tag !== TAG.bitString || e.content[0] !== 0) throw new DerError('expected a BIT STRING of whole bytes');
  return e.content.subarray(1);
}

/** RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ (years 1950–2049) or GeneralizedTime YYYYMMDDHHMMSSZ. */
export function timeOf(e: Element): Date {
  const text = e.content.toString('latin1');
  const m =
    e.tag === TAG.utcTime ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    : e.tag === TAG.generalizedTime ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    : null;
  if (!m) throw new DerError('expected a UTCTime or GeneralizedTime');
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = e.tag === TAG.utcTime ? (year < 50 ? 2000 + year : 1900 + year) : year;
  const date = new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
  if (date.getUTCDate() !== day || date.getUTCHours() !== hour) throw new DerError('not a calendar time');
  return date;
}

/** Builds DER with the package's writer; elements read from elsewhere go in unchanged. */
export class DerWriter {
  // Room for a whole certificate from the start: growing the buffer copies it.
  private readonly writer = new asn1.BerWriter({ size: 2048, growthFactor: 2 });

  /** A constructed element around whatever `body` writes. */
  constructed(tag: number, body: () => void): this {
    this.writer.startSequence(tag);
    body();
    this.writer.endSequence();
    return this;
  }

  primitive(tag: number, content: Uint8Array): this {
    this.writer.writeBuffer(asBuffer(content), tag);
    return this;
  }

  /**
   * An element read elsewhere, written back byte for byte, its length encoding included (a CA that
   * wrote a non-minimal length signed those bytes). The writer has no call for raw bytes; its
   * typed buffer and cursor do the job.
   */
  copy(e: Element): this {
    if (e.bytes.length > 0) {
      this.writer._ensure(e.bytes.length);
      e.bytes.copy(this.writer._buf, this.writer._offset);
      this.writer._offset += e.bytes.length;
    }
    return this;
  }

  oid(dotted: string): this {
    this.writer.writeOID(dotted, TAG.oid);
    return this;
  }

  /** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
  time(date: Date): this {
    const iso = date.toISOString();
    const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
    const year = date.getUTCFullYear();
    if (year >= 1950 && year < 2050) this.writer.writeString(digits.slice(2), TAG.utcTime);
    else this.writer.writeString(digits, TAG.generalizedTime);
    return this;
  }

  toBytes(): Buffer {
    return Buffer.from(this.writer.buffer);
  }
}
