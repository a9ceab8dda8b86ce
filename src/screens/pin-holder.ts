/**
 * The PIN while it is being typed: bytes in a buffer that is zeroed when the PIN is sent, erased
 * or abandoned, and handed over (moved, not copied) to the engine. The keystrokes themselves
 * pass through Ink as short-lived strings that JavaScript cannot wipe; nothing keeps them.
 */
export class PinHolder {
  #bytes: Uint8Array;
  #length = 0;

  constructor(capacity: number) {
    this.#bytes = new Uint8Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  push(char: string): void {
    if (this.#length >= this.#bytes.length) return;
    this.#bytes[this.#length++] = char.charCodeAt(0);
  }

  pop(): void {
    if (this.#length === 0) return;
    this.#bytes[--this.#length] = 0;
  }

  clear(): void {
    this.#bytes.fill(0);
    this.#length = 0;
  }

  /** The typed PIN in a buffer of its own, for transfer; the holder is empty afterwards. */
  take(): Uint8Array {
    const out = this.#bytes.slice(0, this.#length);
    this.clear();
    return out;
  }
}
