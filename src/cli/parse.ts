/**
 * A command line checked against the command table: util.parseArgs does the reading, and each
 * of its complaints becomes a USAGE error with a problem code the catalogues put in words.
 */
import { parseArgs } from 'node:util';
import { CapbuError, type ErrorDetails, type UsageProblem } from '../errors.js';
import { closest, COMMANDS, COMMON, type CommandName, type CommandSpec, type OptionTable } from './command-table.js';

export function usageError(problem: UsageProblem, details: ErrorDetails = {}): CapbuError {
  return new CapbuError('USAGE', { usage: problem, ...details });
}

/** The option parseArgs names in its message: `'--token <value>'` → `--token`. */
function optionIn(message: string): string {
  return /'(-[^' ]+)/.exec(message)?.[1] ?? '';
}

function fromParseArgs(error: unknown, command: CommandName, options: OptionTable): CapbuError {
  const { code, message } = error as { code?: string; message: string };
  const option = optionIn(message);
  const name = option.replace(/^-+/, '').split('=')[0]!;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const suggestion = closest(name, Object.keys(options));
    return usageError('unknownOption', { command, option, suggestion: suggestion && `--${suggestion}` });
  }
  const spec = options[name];
  if (spec?.type === 'boolean') return usageError('noValueExpected', { command, option: `--${name}` });
  return usageError('missingValue', { command, option: `--${name}`, arg: spec?.arg });
}

type Values<O> = {
  -readonly [K in keyof O]?: O[K] extends { readonly type: 'boolean' } ? boolean : O[K] extends { readonly multiple: true } ? string[] : string;
};

interface Parsed<N extends CommandName> {
  readonly values: Values<typeof COMMON & (typeof COMMANDS)[N]['options']>;
  readonly positionals: string[];
}

/** The values and positionals of `command`, its required options and argument count checked. */
export function parseCommand<N extends CommandName>(argv: string[], command: N): Parsed<N> {
  const spec: CommandSpec = COMMANDS[command];
  const options = { ...COMMON, ...spec.options };
  let parsed: Parsed<N>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as Parsed<N>;
  } catch (error) {
    throw fromParseArgs(error, command, options);
  }
  const values = parsed.values as Record<string, unknown>;
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.required && (values[name] === undefined || values[name] === '')) {
      throw usageError('required', { command, option: `--${name}`, arg: option.arg });
    }
  }
  const args: readonly string[] = spec.args ?? [];
  const many = args.some((a) => a.endsWith('…'));
  const needed = args.filter((a) => !a.endsWith('?')).length;
  if (!many && parsed.positionals.length > args.length) {
    throw usageError('unexpectedArgument', { command, value: parsed.positionals[args.length]! });
  }
  if (parsed.positionals.length < needed) {
    throw usageError('missingArgument', { command, arg: args[parsed.positionals.length]!.replace(/[?…]$/, '') });
  }
  return parsed;
}
