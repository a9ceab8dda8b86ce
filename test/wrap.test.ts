/** Output that fits (issue 11 point 13): wrapping at word boundaries and aligned tables, without a terminal. */
import { describe, expect, it } from 'vitest';
import { columns, table, widthOf, wrap, wrapLine } from '../src/cli/wrap.js';
import { translator } from '../src/i18n/catalog.js';
import { commandHelp, topHelp } from '../src/cli/help.js';
import { COMMAND_NAMES, nextWords } from '../src/cli/command-table.js';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';

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

describe('a table wider than the line', () => {
  const rows = [
    ['Nhãn', 'Số sê-ri', 'Thiết bị', 'Mã PIN'],
    ['DN-HAI-DANG', 'cad9be14832b4a26', 'Feitian Technologies Co., Ltd. ePass2003', 'đã nhập sai, còn ít lần thử'],
  ];

  it('wraps the widest column inside itself and the last in what is left, every line within the width', () => {
    const lines = table(rows, 80);
    for (const line of lines) expect(columns(line), line).toBeLessThanOrEqual(80);
    const device = lines[0]!.indexOf('Thiết bị');
    const row = lines.findIndex((l) => l.startsWith('DN-HAI-DANG'));
    expect(lines[row]!.indexOf('Feitian')).toBe(device);
    // The rest of the cell goes on below, in its own column; the words are all there, in order.
    expect(lines[row + 1]!.slice(0, device).trim()).toBe('');
    expect(lines.slice(row).map((l) => l.slice(device, lines[0]!.indexOf('Mã PIN')).trim()).join(' ').trim()).toBe(rows[1]![2]);
  });

  it('is laid out as before where it fits', () => {
    expect(table(rows, 200)).toEqual(table(rows));
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

describe('--help and help NAME on every command and group (issue 11 point 8)', () => {
  /** `capbu ARGS` in process, 80 columns wide: exit code and what each stream got. */
  async function capbu(args: string[], language: 'vi' | 'en') {
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    let out = '';
    let err = '';
    stdout.on('data', (d) => (out += d));
    stderr.on('data', (d) => (err += d));
    const code = await main(args, { stdout, stderr, stdin: new PassThrough(), env: { COLUMNS: '80' }, t: translator(language) });
    return { code, out, err };
  }

  const groups = [...new Set(COMMAND_NAMES.flatMap((name) => name.split(' ').slice(0, -1).map((_, i, words) => words.slice(0, i + 1).join(' '))))];
  for (const language of ['vi', 'en'] as const) {
    it(`answers both ways, the same page, in ${language}, exit 0`, async () => {
      const t = translator(language);
      for (const name of [...COMMAND_NAMES, ...groups]) {
        const words = name.split(' ');
        const flag = await capbu([...words, '--help'], language);
        const asked = await capbu(['help', ...words], language);
        expect(flag, name).toMatchObject({ code: 0, err: '' });
        expect(asked, name).toMatchObject({ code: 0, err: '', out: flag.out });
        expect(flag.out, name).toBe(`${commandHelp(t, words, 80)}\n`);
        for (const line of flag.out.split('\n')) expect(columns(line), line).toBeLessThanOrEqual(80);
      }
      // A group's page names each of its subcommands.
      for (const group of groups) {
        const page = (await capbu([...group.split(' '), '--help'], language)).out;
        for (const sub of nextWords(group.split(' '))) expect(page, `${group} ${sub}`).toContain(sub);
      }
    });
  }
});
