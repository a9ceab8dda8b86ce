import { CapbuError } from '../errors.js';
import { pickLanguage, translator, type Translator } from '../i18n/catalog.js';

/** What a command may touch: its streams, environment and the words of the chosen language. */
export interface Context {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly t: Translator;
}

export function processContext(lang: string | undefined): Context {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    t: translator(pickLanguage(lang, process.env)),
  };
}

/** --now pins the clock for drills and tests; otherwise the system clock. */
export function clock(now: string | undefined): Date {
  if (now === undefined) return new Date();
  const at = new Date(now);
  if (!/^\d{4}-\d{2}-\d{2}/.test(now) || Number.isNaN(at.getTime())) throw new CapbuError('CLOCK_INVALID', { value: now });
  return at;
}

/** The clock a command runs on: pinned at --now, else the system's, read afresh at each call. */
export function liveClock(now: string | undefined): () => Date {
  if (now === undefined) return () => new Date();
  const at = clock(now);
  return () => at;
}

export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

export function writeJson(ctx: Context, value: unknown): void {
  writeLine(ctx.stdout, JSON.stringify(value, null, 2));
}
