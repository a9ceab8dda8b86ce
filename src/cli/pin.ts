import { CapbuError } from '../errors.js';
import { Pin } from '../token/pin.js';

/**
 * The PIN from standard input (never from an argument, which `ps` would show). Only the line
 * terminator is removed: spaces may belong to the PIN.
 */
export async function readPinFromStdin(stdin: NodeJS.ReadableStream): Promise<Pin> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  const raw = Buffer.concat(chunks);
  const pin = raw.toString('utf8').split(/\r?\n/)[0] ?? '';
  raw.fill(0);
  if (pin.length === 0) throw new CapbuError('PIN_MISSING');
  return new Pin(pin);
}
