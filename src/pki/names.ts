/**
 * Distinguished names from their DER bytes: the RFC 4514 text capbu prints and the tax code
 * Vietnamese CAs put in the subject.
 */
import { children, DerError, element, oidOf, TAG } from './der.js';
import { Recent } from './recent.js';

/** OID of the LDAP UID attribute, where Vietnamese CAs write "MST:<tax code>". */
export const UID_OID = '0.9.2342.19200300.100.1.1';

/** RFC 4514's short names, plus the usual ones CAs use. */
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  [UID_OID]: 'UID',
  '2.5.4.5': 'serialNumber',
  '2.5.4.12': 'title',
  '1.2.840.113549.1.9.1': 'E',
};

interface Attribute {
  readonly oid: string;
  /** The decoded text, or null when the value is not a string type. */
  readonly text: string | null;
  readonly der: Uint8Array;
}

const UTF8_STRING = 0x0c;
const BMP_STRING = 0x1e;
const UNIVERSAL_STRING = 0x1c;
/** Numeric, Printable, Teletex, Videotex, IA5, Graphic, Visible, General and Character strings: one byte a character. */
const BYTE_STRINGS = new Set([0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a, 0x1b, 0x1d]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a directory string, by its ASN.1 string type; null for any other type. */
function stringValue(tag: number, content: Buffer): string | null {
  if (BYTE_STRINGS.has(tag)) return content.toString('latin1');
  try {
    if (tag === UTF8_STRING) return utf8.decode(content);
    if (tag === BMP_STRING && content.length % 2 === 0) return Buffer.from(content).swap16().toString('utf16le');
    if (tag === UNIVERSAL_STRING && content.length % 4 === 0) {
      let text = '';
      for (let i = 0; i < content.length; i += 4) text += String.fromCodePoint(content.readUInt32BE(i));
      return text;
    }
  } catch {
    // Not UTF-8, or a code point past U+10FFFF: refused below.
  }
  if (tag === UTF8_STRING || tag === BMP_STRING || tag === UNIVERSAL_STRING) throw new DerError('string');
  return null;
}

type Rdns = readonly (readonly Attribute[])[];

/** Names read lately, by their bytes: an issuer's name comes with every certificate it issued. */
const recent = new Recent<Rdns>(256);

/** The RDNs of a Name, in sequence order; throws when the bytes are not a Name. */
function attributes(der: Uint8Array): Rdns {
  return recent.get(Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1'), () => readAttributes(der));
}

function readAttributes(der: Uint8Array): Rdns {
  return children(element(der, TAG.sequence)).map((rdn) => {
    const atvs = children(rdn);
    if (rdn.tag !== TAG.set || atvs.length === 0) throw new DerError('structure');
    return atvs.map((atv) => {
      const [type, value, extra] = children(atv, TAG.oid);
      // AttributeValue is ANY, but of a universal type: what the attribute's definition says.
      if (atv.tag !== TAG.sequence || !value || extra || value.tag & 0xc0) throw new DerError('structure');
      return { oid: oidOf(type!), text: stringValue(value.tag, value.content), der: value.bytes };
    });
  });
}

/** RFC 4514 §2.4: characters escaped anywhere, and where a leading/trailing character needs one. */
function escapeValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * A distinguished name as RFC 4514 writes it: the last RDN of the sequence first, "," between
 * RDNs, "+" inside a multi-valued RDN; values that are not strings as "#" and their DER in hex.
 */
export function rfc4514(der: Uint8Array): string {
  return [...attributes(der)]
    .reverse()
    .map((rdn) =>
      rdn
        .map((a) => {
          const value = a.text === null ? `#${Buffer.from(a.der).toString('hex')}` : escapeValue(a.text);
          return `${SHORT_NAMES[a.oid] ?? a.oid}=${value}`;
        })
        .join('+'),
    )
    .join(',');
}

/** The first value of an attribute, e.g. the common name for a receipt. */
export function nameField(der: Uint8Array, oid: string): string | null {
  for (const rdn of attributes(der)) for (const a of rdn) if (a.oid === oid && a.text !== null) return a.text;
  return null;
}

/** The tax code from a "MST:<code>" UID attribute, or null when the subject has none. */
export function taxCodeOf(der: Uint8Array): string | null {
  for (const rdn of attributes(der)) {
    for (const a of rdn) {
      const m = a.oid === UID_OID && a.text !== null ? /^MST:\s*(\S+)$/i.exec(a.text.trim()) : null;
      if (m) return m[1]!;
    }
  }
  return null;
}
