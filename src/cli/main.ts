/** The `capbu` command: finds the command in the table, or its help, and maps every failure to one line. */
import { CapbuError } from '../errors.js';
import { closest, COMMANDS, isCommandName, nextWords } from './command-table.js';
import { checkLanguage, globalOptions, processContext, writeLine, type Context } from './context.js';
import { commandHelp, topHelp } from './help.js';
import { usageError } from './parse.js';
import { wrap, widthOf } from './wrap.js';

/** The longest run of leading words that names a command or a group of them: `central kiosk add`. */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  while (words.length < argv.length && nextWords(words).includes(argv[words.length]!)) words.push(argv[words.length]!);
  return words;
}

/** Refuses what is not a command, with the nearest one when a word looks mistyped. */
function notACommand(words: readonly string[], next: string | undefined): CapbuError {
  const choices = nextWords(words);
  const suggestion = next === undefined ? undefined : closest(next, choices);
  if (words.length === 0) return usageError('unknownCommand', { name: next, suggestion });
  const command = words.join(' ');
  if (next === undefined || next.startsWith('-')) return usageError('missingSubcommand', { command, choices });
  return usageError('unknownSubcommand', { command, name: next, choices, suggestion });
}

async function dispatch(argv: string[], ctx: Context): Promise<number> {
  const help = (words: readonly string[]) => {
    const width = widthOf(ctx.stdout, ctx.env);
    writeLine(ctx.stdout, words.length === 0 ? topHelp(ctx.t, width) : commandHelp(ctx.t, words, width));
    return 0;
  };
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  const wantsHelp = flags.includes('--help') || flags.includes('-h');
  if (argv[0] === 'help') {
    const asked = argv.slice(1).filter((a) => !a.startsWith('-'));
    const words = commandWords(asked);
    if (words.length < asked.length) throw notACommand(words, asked[words.length]);
    return help(words);
  }
  const words = commandWords(argv);
  const name = words.join(' ');
  if (isCommandName(name)) return wantsHelp ? help(words) : (await COMMANDS[name].load())(argv.slice(words.length), ctx);
  if (argv.length === 0 || (wantsHelp && (words.length > 0 || argv[0]!.startsWith('-')))) return help(words);
  throw notACommand(words, argv[words.length]);
}

export async function main(argv: string[], given?: Context): Promise<number> {
  const global = globalOptions(argv);
  const ctx = given ?? processContext(global.lang);
  try {
    checkLanguage(global.lang);
    // Plain `capbu` on a terminal is the kiosk app; anywhere else, the help.
    if (global.command === undefined) {
      if (process.stdout.isTTY && process.stdin.isTTY && given === undefined) return await (await COMMANDS.kiosk.load())(global.rest, ctx);
      return await dispatch([], ctx);
    }
    return await dispatch([global.command, ...global.rest], ctx);
  } catch (error) {
    const failure =
      error instanceof CapbuError
        ? error
        : new CapbuError('INTERNAL', { message: error instanceof Error ? error.message : String(error) });
    if (global.command !== undefined && nextWords([]).includes(global.command)) {
      (await import('./journal-error.js')).journalError(global.command, failure.code, ctx.env);
    }
    writeLine(ctx.stderr, wrap(`capbu: ${failure.code}: ${ctx.t.error(failure.code, failure.details)}`, widthOf(ctx.stderr, ctx.env)));
    if (failure.code === 'INTERNAL' && ctx.env.CAPBU_DEBUG) writeLine(ctx.stderr, String((error as Error).stack));
    return 2;
  }
}
