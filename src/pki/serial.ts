/** Serial numbers for certificates capbu makes: the centre's renewals and the demo's PKI. */
import { randomBytes } from 'node:crypto';

/** 16 random bytes with the top bit clear (positive) and the next set (no leading zero): 126 bits. */
export function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes;
}
