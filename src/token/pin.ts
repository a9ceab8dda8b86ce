import { CapbuError } from '../errors.js';

/**
 * A PIN that can be used for exactly one login, held as bytes capbu can overwrite: using it or
 * wiping it zeroes them, so nothing keeps the PIN past the login and no code path can quietly try
 * it a second time.
 *
 * No JavaScript string of the PIN is made for the login: the module's C_Login gets these bytes
 * (pin-login.ts). Strings a caller passed to the constructor are the caller's.
 */
export class Pin {
  #bytes: Buffer | null;

  /** Copies the bytes (or the UTF-8 of the text); wiping the source is the caller's part. */
  constructor(value: string | Uint8Array) {
    this.#bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  }

  /** Characters, for a PIN that passes `printable()`; 0 once used. */
  get length(): number {
    return this.#bytes?.length ?? 0;
  }

  /** Printable ASCII only: what tokens take and what a Vietnamese input method left on breaks. */
  printable(): boolean {
    const bytes = this.#bytes;
    return bytes !== null && bytes.every((b) => b >= 0x20 && b <= 0x7e);
  }

  /** Hands the PIN's bytes to the one login, then wipes them whether the login worked or not. */
  use<T>(login: (bytes: Buffer) => T): T {
    const bytes = this.#bytes;
    if (bytes === null) throw new CapbuError('PIN_MISSING');
    try {
      return login(bytes);
    } finally {
      this.wipe();
    }
  }

  wipe(): void {
    this.#bytes?.fill(0);
    this.#bytes = null;
  }

  /** Never shows the PIN, whatever logs or prints the holder. */
  toJSON(): string {
    return '[PIN]';
  }

  toString(): string {
    return '[PIN]';
  }
}

/** A character a PIN may hold: printable ASCII, space included (Viettel-CA PINs take any). */
export function isPinCharacter(char: string): boolean {
  return /^[\x20-\x7e]$/.test(char);
}
