import type { ReadStream } from 'node:tty';
import { CapbuError } from '../errors.js';
import { Pin } from '../token/pin.js';
import type { Context } from './context.js';

/**
 * The PIN from standard input (never from an argument, which `ps` would show). Piped, it is the
 * first line; typed at a terminal, it is read without echo after a prompt. Only the line
 * terminator is removed: spaces may belong to the PIN.
 */
export async function readPinFromStdin(ctx: Pick<Context, 'stdin' | 'stderr' | 't'>): Promise<Pin> {
  const tty = (ctx.stdin as ReadStream).isTTY ? (ctx.stdin as ReadStream) : null;
  const pin = tty ? await readHidden(tty, ctx.stderr, ctx.t.text('pinPrompt')) : await readFirstLine(ctx.stdin);
  if (pin.length === 0) throw new CapbuError('PIN_MISSING');
  return new Pin(pin);
}

async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  const raw = Buffer.concat(chunks);
  const line = raw.toString('utf8').split(/\r?\n/)[0] ?? '';
  raw.fill(0);
  return line;
}

/** Raw mode, so nothing typed reaches the screen; Enter ends, Backspace edits, Ctrl-C or Ctrl-D gives up. */
function readHidden(tty: ReadStream, screen: NodeJS.WritableStream, prompt: string): Promise<string> {
  screen.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    const finish = (value: string) => {
      tty.off('data', onData);
      tty.setRawMode(false);
      tty.pause();
      screen.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(typed);
        if (char === '\u0003' || char === '\u0004') return finish('');
        typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
      }
    };
    tty.setRawMode(true);
    tty.resume();
    tty.on('data', onData);
  });
}
