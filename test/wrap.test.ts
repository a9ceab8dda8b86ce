/** Output that fits (issue 11 point 13): wrapping at word boundaries and aligned tables, without a terminal. */
import { describe, expect, it } from 'vitest';
import { columns, table, widthOf, wrap, wrapLine } from '../src/cli/wrap.js';
import { translator } from '../src/i18n/catalog.js';
import { commandHelp, topHelp } from '../src/cli/help.js';
import { COMMAND_NAMES } from '../src/cli/command-table.js';

describe('wrapping', () => {
  it('breaks at spaces, never inside a word, and indents what follows', () => {
    const text = 'capbu: SEVERAL_TOKENS: đang cắm nhiều USB token (token-xanh, token-do, token-vang); chọn một bằng --token NHÃN';
    const lines = wrapLine(text, 40);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(columns(line)).toBeLessThanOrEqual(40);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(text);
    for (const line of lines.slice(1)) expect(line.startsWith('  ')).toBe(true);
  });

  it('keeps a word wider than the line whole, and keeps the spaces inside a line it does not break', () => {
    expect(wrapLine('a ' + 'x'.repeat(50), 40)).toEqual(['a', `  ${'x'.repeat(50)}`]);
    expect(wrapLine('  --json    in JSON', 80)).toEqual(['  --json    in JSON']);
  });

  it('counts Vietnamese letters as one column, composed or not', () => {
    expect(columns('Chứng thư số')).toBe(12);
    expect(columns('Chứng thư số'.normalize('NFD'))).toBe(12);
  });

  it('wraps nothing for a pipe unless COLUMNS says a width', () => {
    const pipe = { isTTY: false } as unknown as NodeJS.WritableStream;
    expect(widthOf(pipe, {})).toBeNull();
    expect(widthOf(pipe, { COLUMNS: '80' })).toBe(80);
    expect(widthOf({ isTTY: true, columns: 100 } as unknown as NodeJS.WritableStream, { COLUMNS: '80' })).toBe(100);
    expect(wrap('one two three', null)).toBe('one two three');
  });

  it('aligns a table on its widest cells, Vietnamese included', () => {
    expect(table([['Nhãn', 'Số sê-ri', 'Mã PIN'], ['DN-HAI-DANG', '3bb7', 'bình thường']])).toEqual([
      'Nhãn         Số sê-ri  Mã PIN',
      'DN-HAI-DANG  3bb7      bình thường',
    ]);
  });
});

describe('help fits 80 columns (issue 11 point 8)', () => {
  for (const language of ['vi', 'en'] as const) {
    it(`every command's help in ${language}, and the overview`, () => {
      const t = translator(language);
      const pages = [topHelp(t, null), ...COMMAND_NAMES.map((name) => commandHelp(t, name.split(' '), null))];
      pages.push(commandHelp(t, ['central'], null), commandHelp(t, ['central', 'kiosk'], null), commandHelp(t, ['registry'], null));
      for (const page of pages) {
        for (const line of page.split('\n')) expect(columns(line), line).toBeLessThanOrEqual(80);
        // Every word came from the catalogue: no key left untranslated.
        expect(page).not.toMatch(/\b(cmd|opt|arg|help)\.[a-z]/);
      }
    });
  }
});
