/**
 * RFC 7512 PKCS#11 URIs naming the new CA's key in an HSM, such as `pkcs11:token=ca-hsm;object=ca`:
 * the parts capbu uses to find the token and the key.
 */
import { CapbuError } from '../errors.js';
import type { TokenSummary } from '../token/slots.js';

/** The parts of a PKCS#11 URI capbu uses to find a key (RFC 7512 §2.3). */
export interface Pkcs11KeyUri {
  readonly token?: string;
  readonly serial?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly object?: string;
  readonly id?: Buffer;
  readonly modulePath?: string;
}

const KNOWN = new Set(['token', 'serial', 'manufacturer', 'model', 'object', 'id', 'type']);

/** RFC 3986 percent-decoding to bytes: CKA_ID values are binary, which decodeURIComponent refuses. */
function percentDecode(text: string): Buffer {
  const parts = text.split(/(%[0-9A-Fa-f]{2})/);
  return Buffer.concat(parts.map((p, i) => (i % 2 === 1 ? Buffer.from(p.slice(1), 'hex') : Buffer.from(p, 'utf8'))));
}

/** The URL parser splits path from query; values are percent-encoded bytes (CKA_ID is binary). */
export function parsePkcs11Uri(uri: string): Pkcs11KeyUri {
  const bad = (problem: string) => new CapbuError('CA_KEY_INVALID', { key: uri.split('?')[0], problem });
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    // The URL parser's TypeError says only that it is not a URL.
    throw bad('not a PKCS#11 URI');
  }
  if (url.protocol !== 'pkcs11:') throw bad('not a PKCS#11 URI');
  const attrs = new Map<string, Buffer>();
  for (const part of url.pathname.split(';').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (eq < 0 || !KNOWN.has(name)) throw bad(`unsupported attribute "${name}"`);
    attrs.set(name, percentDecode(part.slice(eq + 1)));
  }
  const text = (name: string) => attrs.get(name)?.toString('utf8');
  if (attrs.has('type') && text('type') !== 'private') throw bad('type must be private');
  if (!attrs.has('object') && !attrs.has('id')) throw bad('name the key with object= or id=');
  return {
    token: text('token'),
    serial: text('serial'),
    manufacturer: text('manufacturer'),
    model: text('model'),
    object: text('object'),
    id: attrs.get('id'),
    modulePath: url.searchParams.get('module-path') ?? undefined,
  };
}

export function tokenMatches(token: TokenSummary, uri: Pkcs11KeyUri): boolean {
  return (
    (uri.token === undefined || token.label === uri.token) &&
    (uri.serial === undefined || token.serial === uri.serial) &&
    (uri.manufacturer === undefined || token.manufacturer === uri.manufacturer) &&
    (uri.model === undefined || token.model === uri.model)
  );
}
