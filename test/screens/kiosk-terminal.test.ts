/**
 * The built app in tmux at 80×24 on the demo world, for what only a real terminal shows: no colour
 * (NO_COLOR, TERM=dumb), the language setting and its switch, the demo's `u` key, a kill -9 in
 * the middle of a renewal and what the clerk sees after the restart, a second app on the same
 * world. Each test has its own demo world.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDemoWorld, type DemoWorld } from '../../src/demo/world.js';
import { runCapbu } from '../support/cli.js';
import { buildShim } from '../support/shim.js';
import { certificateSerials } from '../support/token-certificates.js';
import { alternateOn, appPid, screenOf, screenWith, startInTmux, tmux } from '../support/tmux.js';

const sessions: string[] = [];

afterEach(() => {
  for (const s of sessions.splice(0)) {
    try {
      tmux('kill-session', '-t', s);
    } catch {
      // Already gone.
    }
  }
});

async function demoWorld(): Promise<DemoWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-terminal-'));
  expect((await runCapbu(['demo', dir])).code).toBe(0);
  return readDemoWorld(dir)!;
}

function session(name: string): string {
  const id = `capbu-${name}-${process.pid}`;
  sessions.push(id);
  return id;
}

function demoApp(world: DemoWorld, name: string, args: readonly string[] = [], env: Record<string, string> = {}): string {
  const id = session(name);
  startInTmux(id, world, ['kiosk', '--demo', '--dir', world.directory, '--operator', 'lan', ...args], env);
  return id;
}

async function journal(world: DemoWorld): Promise<{ type: string; operator: string | null; data: Record<string, unknown> }[]> {
  const result = await runCapbu(['journal', '--json'], { env: { ...process.env, ...world.env } });
  expect(result.code).toBe(0);
  return result.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** SGR sequences that set a colour (foreground, background, 256 or true colour). */
const COLOUR = /\x1b\[[0-9;]*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;

describe('capbu kiosk in a real terminal, beyond the main flow', () => {
  it('reads without colour under NO_COLOR and TERM=dumb: state in words and symbols', async () => {
    const world = await demoWorld();
    for (const env of [{ NO_COLOR: '1' }, { TERM: 'dumb' }] as Record<string, string>[]) {
      const id = demoApp(world, `colour-${Object.keys(env)[0]!.toLowerCase()}`, [], env);
      await screenWith(id, 'DS thuê bao:', 120_000);
      // Judged tokens of both kinds, each verdict read from the screen with its escapes.
      tmux('send-keys', '-t', id, '4');
      await screenWith(id, 'Không thuộc diện cấp bù');
      const refused = tmux('capture-pane', '-p', '-e', '-t', id);
      expect(refused).not.toMatch(COLOUR);
      expect(refused).toContain('✘ Không thuộc diện cấp bù');
      expect(refused).toContain('● Trực tuyến');
      tmux('send-keys', '-t', id, 'u');
      await screenWith(id, 'Cắm USB token của khách hàng');
      tmux('send-keys', '-t', id, '1');
      await screenWith(id, 'Thuộc diện cấp bù');
      const eligible = tmux('capture-pane', '-p', '-e', '-t', id);
      expect(eligible).not.toMatch(COLOUR);
      expect(eligible).toContain('✔ Thuộc diện cấp bù');
      tmux('send-keys', '-t', id, 'u');
      await screenWith(id, 'Cắm USB token của khách hàng');
      tmux('send-keys', '-t', id, 'q');
      await screenWith(id, 'EXIT=0', 30_000);
    }
  }, 400_000);

  it('`u` pulls the demo token: the verdict goes, the panel shows nothing plugged, waiting again', async () => {
    // No world made beforehand: the app makes it at its first start, loading the demo's PKCS#11
    // module in the drawing thread before the engine's thread loads it (it saw no token at all
    // while the first thread had not let go of the module).
    const dir = mkdtempSync(join(tmpdir(), 'capbu-terminal-'));
    const id = session('pull');
    startInTmux(id, { directory: dir, env: {}, customers: [], created: false }, ['kiosk', '--demo', '--dir', dir, '--operator', 'lan']);
    await screenWith(id, 'DS thuê bao:', 120_000);
    const world = readDemoWorld(dir)!;
    tmux('send-keys', '-t', id, '3');
    const verdict = await screenWith(id, 'DN-MOI-CAP');
    expect(verdict).toContain('●3');
    tmux('send-keys', '-t', id, 'u');
    const waiting = await screenWith(id, 'Cắm USB token của khách hàng');
    expect(waiting).not.toContain('DN-MOI-CAP');
    expect(waiting).not.toContain('●3');
    // Pulled for real: the token's folder is off the module's directory, as `capbu demo pull` leaves it.
    const events = await journal(world);
    expect(events.filter((e) => e.type === 'token.removed').map((e) => e.data.label)).toEqual(['DN-MOI-CAP']);
    tmux('send-keys', '-t', id, 'q');
    await screenWith(id, 'EXIT=0', 30_000);
  }, 300_000);

  it('the lang setting starts it in English; `l` switches to Vietnamese, saved and journaled', async () => {
    const world = await demoWorld();
    const env = { ...process.env, ...world.env };
    expect((await runCapbu(['config', 'set', 'lang', 'en'], { env })).code).toBe(0);
    const id = demoApp(world, 'lang');
    const english = await screenWith(id, 'Registry:', 120_000);
    expect(english).toContain('Plug in the customer’s USB token');
    expect(english).toContain('l Tiếng Việt');
    tmux('send-keys', '-t', id, 'l');
    const vietnamese = await screenWith(id, 'Cắm USB token của khách hàng');
    expect(vietnamese).toContain('l English');
    expect(vietnamese).toContain('DS thuê bao:');
    tmux('send-keys', '-t', id, 'q');
    await screenWith(id, 'EXIT=0', 30_000);
    expect((await runCapbu(['config', 'get', 'lang'], { env })).stdout.trim()).toBe('vi');
    const changed = (await journal(world)).filter((e) => e.type === 'setting.changed');
    expect(changed).toEqual([expect.objectContaining({ operator: 'lan', data: { name: 'lang', value: 'vi' } })]);
    // The next start speaks the saved language.
    const again = demoApp(world, 'lang-again');
    expect(await screenWith(again, 'DS thuê bao:', 120_000)).toContain('Cắm USB token của khách hàng');
    tmux('send-keys', '-t', again, 'q');
    await screenWith(again, 'EXIT=0', 30_000);
  }, 400_000);

  it('killed (kill -9) inside the certificate write, then started again: the clerk is told to finish, and finishing leaves one new certificate', async () => {
    const world = await demoWorld();
    const label = 'DN-HAI-DANG';
    expect((await runCapbu(['demo', 'plug', label, '--dir', world.directory])).code).toBe(0);
    const before = certificateSerials(world, label);
    // The shim kills the process inside C_CreateObject of the new certificate, once it is whole.
    const id = demoApp(world, 'crash', ['--module', buildShim()], { CAPBU_SHIM_DIE_IN_CREATE: 'full' });
    await screenWith(id, 'Thuộc diện cấp bù', 120_000);
    tmux('send-keys', '-t', id, 'Enter');
    await screenWith(id, 'Mã PIN:');
    tmux('send-keys', '-t', id, '-l', 'viettel-ca');
    tmux('send-keys', '-t', id, 'Enter');
    await screenWith(id, 'EXIT=137', 90_000);

    // Started again on the same world (the dead app's lock is taken over), the token still in.
    const restarted = demoApp(world, 'crash-restart');
    const verdict = await screenWith(restarted, 'bị gián đoạn', 120_000);
    // The notice, as wrapped beside the demo panel.
    expect(verdict).toContain('↻ Lần cấp bù trước của token này bị gián đoạn.');
    expect(verdict).toContain('Nhấn Enter và nhập mã PIN để hoàn tất an toàn.');
    expect(verdict).toContain('Enter bắt đầu cấp bù');
    tmux('send-keys', '-t', restarted, 'Enter');
    await screenWith(restarted, 'Mã PIN:');
    tmux('send-keys', '-t', restarted, '-l', 'viettel-ca');
    tmux('send-keys', '-t', restarted, 'Enter');
    await screenWith(restarted, 'Đã cấp bù thời hạn chứng thư số', 90_000);
    tmux('send-keys', '-t', restarted, 'C-c');
    await screenWith(restarted, 'EXIT=0', 30_000);
    expect(alternateOn(restarted)).toBe('0');
    // One certificate replaced by one: no copy of the new one left by the killed write.
    const after = certificateSerials(world, label);
    expect(after).toHaveLength(before.length);
    expect(before.filter((s) => !after.includes(s))).toHaveLength(1);
    const installed = (await journal(world)).filter((e) => e.type === 'renewal.installed');
    expect(installed).toHaveLength(1);
  }, 400_000);

  it('a second app on the same demo world stops with KIOSK_APP_RUNNING on one line; the first runs on', async () => {
    const world = await demoWorld();
    const first = demoApp(world, 'first');
    await screenWith(first, 'DS thuê bao:', 120_000);
    const pid = appPid(first);
    const second = demoApp(world, 'second');
    const refused = await screenWith(second, 'EXIT=2', 60_000);
    const lines = refused.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('EXIT='));
    expect(lines.join(' ')).toMatch(new RegExp(`^capbu: KIOSK_APP_RUNNING: ứng dụng máy quầy đang chạy trên thư mục dữ liệu .* \\(tiến trình ${pid}\\)`));
    expect(refused).not.toMatch(/INTERNAL|at .*\.js:\d+/);
    expect(alternateOn(second)).toBe('0');
    // The first is untouched: it still judges a token, then quits cleanly and frees the world.
    tmux('send-keys', '-t', first, '4');
    await screenWith(first, 'Không thuộc diện cấp bù');
    expect(screenOf(first)).toContain('DEMO-QUAY-01');
    tmux('send-keys', '-t', first, 'u');
    await screenWith(first, 'Cắm USB token của khách hàng');
    tmux('send-keys', '-t', first, 'q');
    await screenWith(first, 'EXIT=0', 30_000);
    const third = demoApp(world, 'third');
    await screenWith(third, 'DS thuê bao:', 120_000);
    tmux('send-keys', '-t', third, 'q');
    await screenWith(third, 'EXIT=0', 30_000);
  }, 400_000);
});
