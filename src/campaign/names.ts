import { x509 } from './x509.js';

/** OID of the LDAP UID attribute, where Vietnamese CAs write "MST:<tax code>". */
export const UID_OID = '0.9.2342.19200300.100.1.1';

const EXTRA_NAMES = { UID: UID_OID };

/** RFC 4514 §2.4: characters escaped anywhere, and where a leading/trailing character needs one. */
function escapeValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * A distinguished name as RFC 4514 writes it: the last RDN of the sequence first, "," between
 * RDNs, "+" inside a multi-valued RDN.
 */
export function rfc4514(der: ArrayBuffer | Uint8Array): string {
  const buffer = der instanceof Uint8Array ? new Uint8Array(der).buffer : der;
  const json = new x509.Name(buffer, EXTRA_NAMES).toJSON();
  return json
    .slice()
    .reverse()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) => values.map((v) => `${type}=${escapeValue(v)}`))
        .join('+'),
    )
    .join(',');
}

/** The tax code from a "MST:<code>" UID attribute, or null when the subject has none. */
export function taxCodeOf(der: ArrayBuffer | Uint8Array): string | null {
  const buffer = der instanceof Uint8Array ? new Uint8Array(der).buffer : der;
  for (const value of new x509.Name(buffer).getField(UID_OID)) {
    const m = /^MST:\s*(\S+)$/i.exec(value.trim());
    if (m) return m[1]!;
  }
  return null;
}
