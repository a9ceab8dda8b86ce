import { CapbuError } from '../errors.js';

/**
 * A PIN that can be used for exactly one login: taking it empties the holder, so nothing keeps it
 * past the login, and no code path can quietly try it a second time.
 */
export class Pin {
  #value: string | null;

  constructor(value: string) {
    this.#value = value;
  }

  take(): string {
    const value = this.#value;
    this.#value = null;
    if (value === null) throw new CapbuError('PIN_MISSING');
    return value;
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
