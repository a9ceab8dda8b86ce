/**
 * Distinguished names from their DER bytes (through asn1js): the RFC 4514 text capbu prints and
 * the tax code Vietnamese CAs put in the subject.
 */
import * as asn1js from 'asn1js';

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

function isString(block: asn1js.AsnType): block is asn1js.BaseStringBlock {
  return block instanceof asn1js.BaseStringBlock;
}

/** The RDNs of a Name, in sequence order; throws when the bytes are not a Name. */
function attributes(der: Uint8Array): Attribute[][] {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) throw new Error('not a Name');
  return parsed.result.valueBlock.value.map((rdn) => {
    if (!(rdn instanceof asn1js.Set)) throw new Error('not a Name');
    return rdn.valueBlock.value.map((atv) => {
      const [type, value] = (atv as asn1js.Sequence).valueBlock.value;
      if (!(type instanceof asn1js.ObjectIdentifier) || !value) throw new Error('not a Name');
      return {
        oid: type.valueBlock.toString(),
        text: isString(value) ? value.getValue() : null,
        der: new Uint8Array(value.valueBeforeDecodeView),
      };
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
  return attributes(der)
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
