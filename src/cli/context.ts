import { CapbuError } from '../errors.js';
import { isLanguage, LANGUAGES, pickLanguage, translator, type Translator } from '../i18n/catalog.js';

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

/**
 * The global options (--lang, --now) may come anywhere on the line, even with no command. They
 * are moved after the command words, so `capbu --lang en central report …` reaches `central`
 * as its subcommand and every command parses them as its own (COMMON_OPTIONS).
 */
export function globalOptions(argv: readonly string[]): { readonly lang: string | undefined; readonly command: string | undefined; readonly rest: string[] } {
  const words: string[] = [];
  const global: string[] = [];
  let lang: string | undefined;
  let i = 0;
  for (; i < argv.length && argv[i] !== '--'; i++) {
    const arg = argv[i]!;
    const option = /^--(lang|now)(=|$)/.exec(arg);
    if (!option) {
      words.push(arg);
      continue;
    }
    const value = option[2] === '=' ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
    // Left without its value, parseArgs says so in the command's own words.
    global.push(value === undefined ? arg : `--${option[1]}=${value}`);
    if (option[1] === 'lang') lang = value ?? '';
  }
  const [command, ...others] = words;
  return { lang, command, rest: [...others, ...global, ...argv.slice(i)] };
}

/** An unknown --lang is USAGE before anything runs, never silently Vietnamese. */
export function checkLanguage(lang: string | undefined): void {
  if (lang !== undefined && !isLanguage(lang)) {
    throw new CapbuError('USAGE', { usage: 'language', value: lang, languages: LANGUAGES });
  }
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
