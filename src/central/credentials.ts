/**
 * Kiosk enrolment codes and credentials. Both are high-entropy random tokens, so a plain SHA-256
 * is the right stored form (no password stretching needed) and lookups can go by hash. Neither
 * the code nor the credential is ever stored or logged in the clear.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_GROUPS = 5;
const GROUP_LENGTH = 4;

/** 20 symbols of 5 bits (100 bits), written as five dash-separated groups of four. */
export function newEnrolmentCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < CODE_GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** What was typed, in the form that was hashed: case, dashes and spaces do not matter. */
export function normalizeEnrolmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function enrolmentCodeHash(code: string): string {
  return hashSecret(normalizeEnrolmentCode(code));
}

export interface Credential {
  /** Given to the kiosk once: `<kiosk id>.<secret>`. */
  readonly token: string;
  /** Stored at the centre. */
  readonly hash: string;
}

export function newCredential(kioskId: string): Credential {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${kioskId}.${secret}`, hash: hashSecret(secret) };
}

/** Splits `Bearer <kiosk id>.<secret>`; null when it is not that shape. */
export function parseBearer(header: string | undefined): { kioskId: string; secret: string } | null {
  const m = /^Bearer ([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.([A-Za-z0-9_-]{16,128})$/.exec(header ?? '');
  return m ? { kioskId: m[1]!, secret: m[2]! } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
