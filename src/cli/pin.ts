/**
 * The PIN from standard input (never from an argument, which `ps` would show). Piped, it is the
 * first line; typed at a terminal, it is read without echo after a prompt. Only the line
 * terminator is removed: spaces may belong to the PIN. The bytes are held in buffers that are
 * zeroed once copied into the Pin; no string of the PIN is made here.
 */
import type { ReadStream } from 'node:tty';
import { CapbuError } from '../errors.js';
import { Pin } from '../token/pin.js';
import type { Context } from './context.js';

/** Far beyond any token's ulMaxPinLen: longer input is cut here and still refused as too long. */
const MAX_PIN_BYTES = 4096;
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BACKSPACE = 0x7f;
const CTRL_H = 0x08;
const CR = 0x0d;
const LF = 0x0a;
/** Signals after which the terminal must not stay in raw mode; each is re-raised once restored. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A PIN being typed, in one buffer that is zeroed when done. */
class PinBytes {
  readonly #buffer = Buffer.alloc(MAX_PIN_BYTES + 1);
  #length = 0;

  push(byte: number): void {
    if (this.#length < this.#buffer.length) this.#buffer[this.#length++] = byte;
  }

  pop(): void {
    if (this.#length > 0) this.#buffer[--this.#length] = 0;
  }

  get last(): number | undefined {
    return this.#length > 0 ? this.#buffer[this.#length - 1] : undefined;
  }

  /** The Pin takes its own copy; this buffer is zeroed. */
  take(): Pin {
    if (this.#length === 0) throw new CapbuError('PIN_MISSING');
    const pin = new Pin(this.#buffer.subarray(0, this.#length));
    this.wipe();
    return pin;
  }

  wipe(): void {
    this.#buffer.fill(0);
    this.#length = 0;
  }
}

/**
 * A terminal put in raw mode before the command's slow start, so that keys typed ahead of the
 * prompt are never echoed; they are held, then discarded at the prompt (they were not typed for
 * it). Raw mode is undone when the PIN is read, when the command ends, on exit and on SIGINT,
 * SIGTERM or SIGHUP. Ctrl-C or Ctrl-D typed ahead cancels at the prompt: raw mode makes them
 * plain keys, and the event loop only reads them there anyway.
 */
class MutedTerminal {
  readonly tty: ReadStream;
  #held: Buffer[] = [];
  #reader: ((chunk: Buffer) => void) | null = null;
  #active = true;

  constructor(tty: ReadStream) {
    this.tty = tty;
    tty.setRawMode(true);
    tty.on('data', this.#onData);
    tty.resume();
    // Reading ahead must not keep a finished command alive.
    tty.unref();
    process.once('exit', this.restore);
    for (const signal of SIGNALS) process.once(signal, this.#onSignal);
  }

  readonly #onData = (chunk: Buffer) => {
    if (this.#reader) return this.#reader(chunk);
    this.#held.push(chunk);
  };

  readonly #onSignal = (signal: NodeJS.Signals) => {
    this.restore();
    process.kill(process.pid, signal);
  };

  /** Lets the event loop read what the terminal already holds, for as long as `turns` lasts. */
  async #drain(turns = 3): Promise<void> {
    for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Zeroes what was typed ahead; says whether it held Ctrl-C or Ctrl-D, and whether there was any. */
  #discardHeld(): { any: boolean; cancel: boolean } {
    const held = this.#held.splice(0);
    const cancel = held.some((chunk) => chunk.includes(CTRL_C) || chunk.includes(CTRL_D));
    for (const chunk of held) chunk.fill(0);
    return { any: held.length > 0, cancel };
  }

  /** The PIN typed after the prompt: Enter ends, Backspace edits, Ctrl-C or Ctrl-D cancels. */
  async read(screen: NodeJS.WritableStream, prompt: string, discarded: string): Promise<Pin> {
    this.tty.ref();
    try {
      await this.#drain();
      const ahead = this.#discardHeld();
      if (ahead.cancel) throw new CapbuError('PIN_CANCELLED');
      if (ahead.any) screen.write(`${discarded}\n`);
      screen.write(prompt);
      return await new Promise<Pin>((resolve, reject) => {
        const typed = new PinBytes();
        const finish = (outcome: Pin | CapbuError) => {
          this.#reader = null;
          this.tty.off('end', onEnd);
          this.tty.off('error', onError);
          screen.write('\n');
          if (outcome instanceof Pin) resolve(outcome);
          else reject(outcome);
        };
        const onEnd = () => {
          typed.wipe();
          finish(new CapbuError('PIN_CANCELLED'));
        };
        const onError = (error: Error) => {
          typed.wipe();
          finish(new CapbuError('PIN_CANCELLED', {}, { cause: error }));
        };
        this.#reader = (chunk) => {
          try {
            for (const byte of chunk) {
              if (byte === CR || byte === LF) {
                let pin;
                try {
                  pin = typed.take();
                } catch (error) {
                  return finish(error as CapbuError);
                }
                return finish(pin);
              }
              if (byte === CTRL_C || byte === CTRL_D) {
                typed.wipe();
                return finish(new CapbuError('PIN_CANCELLED'));
              }
              if (byte === BACKSPACE || byte === CTRL_H) typed.pop();
              else typed.push(byte);
            }
          } finally {
            chunk.fill(0);
          }
        };
        this.tty.on('end', onEnd);
        this.tty.on('error', onError);
      });
    } finally {
      this.restore();
    }
  }

  get active(): boolean {
    return this.#active;
  }

  /** Back to the terminal as it was; what was typed ahead and never read is zeroed. */
  readonly restore = (): void => {
    if (!this.#active) return;
    this.#active = false;
    this.#discardHeld();
    this.#reader = null;
    process.off('exit', this.restore);
    for (const signal of SIGNALS) process.off(signal, this.#onSignal);
    this.tty.off('data', this.#onData);
    try {
      this.tty.setRawMode(false);
    } catch {
      // The terminal is gone; there is nothing left to restore.
    }
    this.tty.pause();
    this.tty.unref();
  };

  /** At the end of a command that never prompted: keys typed meanwhile go nowhere, not to the shell. */
  async release(): Promise<void> {
    if (!this.#active) return;
    await this.#drain();
    this.restore();
  }
}

let muted: MutedTerminal | null = null;

/** Called first thing when a PIN will be typed at this terminal: from here on nothing is echoed. */
export function muteTerminal(stdin: NodeJS.ReadableStream): void {
  const tty = stdin as ReadStream;
  if (tty.isTTY && !(muted?.active && muted.tty === tty)) muted = new MutedTerminal(tty);
}

/** Undoes `muteTerminal` for a command that ended without asking for the PIN. */
export async function releaseTerminal(): Promise<void> {
  await muted?.release();
}

export async function readPinFromStdin(ctx: Pick<Context, 'stdin' | 'stderr' | 't'>): Promise<Pin> {
  const tty = ctx.stdin as ReadStream;
  if (!tty.isTTY) return readFirstLine(ctx.stdin);
  muteTerminal(tty);
  return muted!.read(ctx.stderr, ctx.t.text('pinPrompt'), ctx.t.text('pinTypeaheadDiscarded'));
}

async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<Pin> {
  const line = new PinBytes();
  for await (const chunk of stdin) {
    // A string chunk (an encoding set by someone) cannot be wiped; capbu's own streams give Buffers.
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    try {
      for (const byte of bytes) {
        if (byte === LF) {
          if (line.last === CR) line.pop();
          return line.take();
        }
        line.push(byte);
      }
    } finally {
      bytes.fill(0);
    }
  }
  return line.take();
}
