/** `capbu help`, `capbu help NAME` and `NAME --help`, made from the command table, fitting the terminal. */
import type { Translator } from '../i18n/catalog.js';
import { COMMANDS, COMMAND_NAMES, COMMON, commandsUnder, isCommandName, type CommandSpec, type OptionSpec } from './command-table.js';
import { columns, wrap, wrapLine } from './wrap.js';

/** Help is laid out for 80 columns where nothing says otherwise. */
const DEFAULT_WIDTH = 80;

function placeholder(t: Translator, arg: string): string {
  const [, name, mark] = /^([A-Z_]+)([?…]?)$/.exec(arg) ?? [arg, arg, ''];
  return `${t.text(`arg.${name}`)}${mark}`;
}

function optionUsage(t: Translator, name: string, option: OptionSpec): string {
  return option.arg ? `--${name} ${placeholder(t, option.arg)}${option.multiple ? '…' : ''}` : `--${name}`;
}

function usageLine(t: Translator, name: string, spec: CommandSpec): string {
  const parts = Object.entries(spec.options).map(([option, o]) => (o.required ? optionUsage(t, option, o) : `[${optionUsage(t, option, o)}]`));
  for (const arg of spec.args ?? []) parts.push(arg.endsWith('?') ? `[${placeholder(t, arg.slice(0, -1))}]` : placeholder(t, arg));
  return `capbu ${name} ${parts.join(' ')}`.trimEnd();
}

/** Terms and their descriptions, the descriptions in one column, each wrapped within it. */
function definitions(rows: readonly [string, string][], width: number): string[] {
  const termWidth = Math.min(Math.max(...rows.map(([term]) => columns(term))), 28);
  const lines: string[] = [];
  for (const [term, text] of rows) {
    const pad = termWidth + 4;
    if (columns(term) > termWidth) {
      lines.push(`  ${term}`);
      lines.push(...wrapLine(`${' '.repeat(pad)}${text}`, width, 0));
    } else {
      lines.push(...wrapLine(`  ${term}${' '.repeat(termWidth - columns(term) + 2)}${text}`, width, pad - 2));
    }
  }
  return lines;
}

function commonLine(t: Translator): string {
  return `${t.text('help.common')}: ${Object.entries(COMMON)
    .map(([name, o]) => optionUsage(t, name, o))
    .join(', ')}`;
}

export function topHelp(t: Translator, width: number | null): string {
  const fit = width ?? DEFAULT_WIDTH;
  const rows = (centre: boolean) =>
    COMMAND_NAMES.filter((name) => ((COMMANDS[name] as CommandSpec).centre ?? false) === centre).map((name): [string, string] => [name, t.text(`cmd.${name}`)]);
  return [
    ...wrapLine(t.text('help.title'), fit),
    '',
    `${t.text('help.kiosk')}:`,
    ...definitions(rows(false), fit),
    '',
    `${t.text('help.centre')}:`,
    ...definitions(rows(true), fit),
    '',
    ...wrapLine(t.text('help.more'), fit),
    ...wrapLine(commonLine(t), fit),
  ].join('\n');
}

/** Help for a command (`central serve`) or for the group above some (`central`, `central kiosk`). */
export function commandHelp(t: Translator, words: readonly string[], width: number | null): string {
  const fit = width ?? DEFAULT_WIDTH;
  const name = words.join(' ');
  if (isCommandName(name)) {
    const spec: CommandSpec = COMMANDS[name];
    const options = Object.entries(spec.options).map(([option, o]): [string, string] => [optionUsage(t, option, o), t.text(`opt.${option}`)]);
    return [
      ...wrapLine(`capbu ${name} — ${t.text(`cmd.${name}`)}`, fit),
      '',
      `${t.text('help.usage')}:`,
      ...wrapLine(`  ${usageLine(t, name, spec)}`, fit, 4),
      ...(options.length > 0 ? ['', `${t.text('help.options')}:`, ...definitions(options, fit)] : []),
      '',
      ...wrapLine(commonLine(t), fit),
    ].join('\n');
  }
  const under = commandsUnder(words);
  return [
    ...wrapLine(`capbu ${name} — ${t.text(`cmd.${name}`)}`, fit),
    '',
    `${t.text('help.subcommands')}:`,
    ...definitions(
      under.map((sub): [string, string] => [sub, t.text(`cmd.${sub}`)]),
      fit,
    ),
    '',
    wrap(t.text('help.more'), fit),
  ].join('\n');
}
