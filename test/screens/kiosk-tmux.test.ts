/**
 * End to end in a real terminal: the built app in tmux at 80×24, against the demo's real central
 * service, a token plugged while it runs, the PIN typed with send-keys, the screen read with
 * capture-pane; afterwards pkcs11-tool reads the new certificate off the token, and the terminal
 * is back to its normal screen. Once in Vietnamese, once in English.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoWorld, type DemoWorld } from '../../src/demo/world.js';
import { DEMO_PANEL_WIDTH } from '../../src/screens/frame.js';
import { runCapbu } from '../support/cli.js';
import { certificateSerials } from '../support/token-certificates.js';
import { alternateOn, appPid, screenWith, startInTmux, tmux } from '../support/tmux.js';

let world: DemoWorld;
const sessions: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-tmux-'));
  expect((await runCapbu(['demo', dir])).code).toBe(0);
  world = readDemoWorld(dir)!;
}, 300_000);

afterAll(() => {
  for (const s of sessions) execFileSync('tmux', ['kill-session', '-t', s], { stdio: 'ignore' });
});

async function renewInTmux(lang: 'vi' | 'en', digit: string, label: string, words: { verdict: string; pin: string; done: string }) {
  expect((await runCapbu(['demo', 'plug', label, '--dir', world.directory])).code).toBe(0);
  const before = certificateSerials(world, label);
  expect((await runCapbu(['demo', 'pull', '--dir', world.directory])).code).toBe(0);
  const session = `capbu-e2e-${lang}-${process.pid}`;
  sessions.push(session);
  startInTmux(session, world, ['kiosk', '--demo', '--dir', world.directory, '--operator', 'lan', '--lang', lang]);
  await screenWith(session, 'DEMO-QUAY-01', 120_000);
  tmux('send-keys', '-t', session, digit);
  const verdict = await screenWith(session, words.verdict);
  expect(verdict).toContain(label);
  tmux('send-keys', '-t', session, 'Enter');
  await screenWith(session, words.pin);
  tmux('send-keys', '-t', session, '-l', 'viettel-ca');
  const typed = await screenWith(session, '••••••••••');
  expect(typed).not.toContain('viettel-ca');
  tmux('send-keys', '-t', session, 'Enter');
  const done = await screenWith(session, words.done, 90_000);
  const shown = /([0-9a-f]{16,})/.exec(done.replace(/\s+│.*$/gm, '').replace(/\n/g, ''))?.[1];
  tmux('send-keys', '-t', session, 'C-c');
  const after = await screenWith(session, 'EXIT=0', 30_000);
  expect(after).not.toContain(words.done);
  expect(alternateOn(session)).toBe('0');
  // The new certificate is on the token and the old one is gone; everything else stays.
  const now = certificateSerials(world, label);
  expect(now).toContain(shown);
  expect(now).toHaveLength(before.length);
  expect(before.filter((s) => !now.includes(s))).toHaveLength(1);
}

describe('capbu kiosk in a real terminal', () => {
  it('renews a token plugged while it runs, in Vietnamese', async () => {
    await renewInTmux('vi', '1', 'DN-HAI-DANG', { verdict: 'Thuộc diện cấp bù', pin: 'không lưu mã PIN', done: 'Đã cấp bù thời hạn chứng thư số' });
  }, 300_000);

  it('and in English', async () => {
    await renewInTmux('en', '9', 'DN-NHIEU-DOI-TUONG', { verdict: 'Qualifies', pin: 'never keeps the PIN', done: 'Certificate renewed' });
  }, 300_000);

  it('re-lays out without garbage when the terminal is resized while it runs', async () => {
    // The earlier tests leave the tokens they plugged in the reader: the verdict below is for
    // token 4 alone, not a chooser between it and them.
    expect((await runCapbu(['demo', 'pull', '--dir', world.directory])).code).toBe(0);
    const session = `capbu-resize-${process.pid}`;
    sessions.push(session);
    startInTmux(session, world, ['kiosk', '--demo', '--dir', world.directory, '--operator', 'lan']);
    await screenWith(session, 'DEMO-QUAY-01', 120_000);
    // A verdict with reasons: long lines that wrap differently at each width.
    tmux('send-keys', '-t', session, '4');
    expectLayout(await screenWith(session, 'Không thuộc diện cấp bù'), 80, 24);
    for (const [width, height] of [[100, 30], [80, 24], [120, 32], [80, 24]] as const) {
      tmux('resize-window', '-t', session, '-x', String(width), '-y', String(height));
      expect(tmux('display-message', '-p', '-t', session, '#{pane_width}x#{pane_height}').trim()).toBe(`${width}x${height}`);
      expectLayout(await laidOut(session, width), width, height);
    }
    tmux('send-keys', '-t', session, 'C-c');
    await screenWith(session, 'EXIT=0', 30_000);
  }, 300_000);

  it('gives the terminal back on SIGTERM and SIGHUP, as on quit', async () => {
    // One after the other: two demo apps on one demo world would share its centre.
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const session = `capbu-${signal.toLowerCase()}-${process.pid}`;
      sessions.push(session);
      startInTmux(session, world, ['kiosk', '--demo', '--dir', world.directory, '--operator', 'lan']);
      await screenWith(session, 'DEMO-QUAY-01', 120_000);
      expect(alternateOn(session)).toBe('1');
      // Signal the app alone, as systemd or a closed terminal would.
      process.kill(appPid(session), signal);
      const after = await screenWith(session, 'EXIT=', 30_000);
      expect(after).toContain(`EXIT=${signal === 'SIGTERM' ? 143 : 129}`);
      expect(after).not.toContain('DEMO-QUAY-01');
      expect(alternateOn(session)).toBe('0');
      expect(tmux('display-message', '-p', '-t', session, '#{cursor_flag}').trim()).toBe('1');
    }
  }, 300_000);
});

/** The screen once its rules span `width`: the app has drawn the new size. */
async function laidOut(session: string, width: number): Promise<string> {
  const until = Date.now() + 30_000;
  let screen = '';
  while (Date.now() < until) {
    screen = tmux('capture-pane', '-p', '-t', session);
    const rules = screen.split('\n').filter((l) => /^─+$/.test(l));
    if (rules.length === 2 && rules.every((r) => [...r].length === width) && screen.includes('Không thuộc diện cấp bù')) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not laid out for ${width} columns:\n${screen}`);
}

/**
 * The frame as drawn fresh at this size, and nothing of an earlier one: one status line, two
 * rules the full width, the footer last, the demo panel's box whole at the right edge, and no
 * stray border or rule left where an earlier layout drew one.
 */
function expectLayout(screen: string, width: number, height: number): void {
  const lines = screen.replace(/\n$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(height);
  while (lines.length < height) lines.push('');
  const cells = lines.map((l) => [...l]);
  expect(cells.every((c) => c.length <= width), screen).toBe(true);
  expect(lines.filter((l) => l.includes('Máy quầy DEMO-QUAY-01')), screen).toHaveLength(1);
  expect(lines[0]).toContain('Máy quầy DEMO-QUAY-01');
  const rules = lines.map((l, i) => (/^─+$/.test(l) ? i : -1)).filter((i) => i >= 0);
  expect(rules, screen).toEqual([1, height - 2]);
  for (const i of rules) expect(cells[i]!.length).toBe(width);
  expect(lines[height - 1], screen).toMatch(/^Tab hôm nay/);
  // The panel: its corners once each, its right edge in the last column all the way down.
  const top = lines.findIndex((l) => l.includes('┌'));
  const bottom = lines.findIndex((l) => l.includes('└'));
  expect(lines.filter((l) => l.includes('┌')), screen).toHaveLength(1);
  expect(lines.filter((l) => l.includes('└')), screen).toHaveLength(1);
  expect(bottom, screen).toBe(height - 3);
  const left = width - DEMO_PANEL_WIDTH;
  for (let i = top; i <= bottom; i++) {
    const edge = i === top ? '┐' : i === bottom ? '┘' : '│';
    expect(cells[i]![width - 1], `line ${i}:\n${screen}`).toBe(edge);
    expect(cells[i]![left], `line ${i}:\n${screen}`).toBe(i === top ? '┌' : i === bottom ? '└' : '│');
  }
  // Left of the panel is the verdict's text only: no border or rule from an earlier size.
  for (let i = 2; i < height - 2; i++) {
    expect(cells[i]!.slice(0, left).join(''), `line ${i}:\n${screen}`).not.toMatch(/[│┌┐└┘─]/);
  }
}
