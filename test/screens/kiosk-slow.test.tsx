/**
 * The UI never freezes (issue 14): on a token made slow by the shim module (each C_Sign waits
 * seconds, as real tokens take 0.3–1.5 s per RSA signature), frames keep coming while the call
 * is blocked in the module, with the spinner turning. The core runs in its worker thread; a
 * PKCS#11 call on the render thread would leave no frame at all for as long as it blocks.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoWorld, type DemoWorld } from '../../src/demo/world.js';
import type { RunningEngine } from '../../src/screens/engine/host.js';
import { runCapbu } from '../support/cli.js';
import { KEY, type renderAt } from '../support/ink.js';
import { demoKiosk } from '../support/kiosk.js';
import { buildShim } from '../support/shim.js';

const SPINNER = /([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Ký yêu cầu trên token/;
let world: DemoWorld;
let engine: RunningEngine;
let app: ReturnType<typeof renderAt>;
let mark: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-kiosk-slow-'));
  expect((await runCapbu(['demo', dir])).code).toBe(0);
  world = readDemoWorld(dir)!;
  mark = join(dir, 'sign-blocked');
  // The shim reads its switches from the real environment.
  Object.assign(process.env, { CAPBU_SHIM_SLOW_SIGN_MS: '3000', CAPBU_SHIM_SLOW_MARK: mark });
  ({ engine, app } = demoKiosk(world, buildShim()));
  await app.frameWith('đủ điều kiện', 120_000);
}, 300_000);

afterAll(async () => {
  app?.unmount();
  await engine?.close();
});

async function until(test: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`no ${what} within ${timeoutMs} ms; last frame:\n${app.lastFrame()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('capbu kiosk on a slow token', () => {
  /** Each test starts from the waiting screen with nothing plugged: the run is shuffled. */
  async function nothingPlugged(): Promise<void> {
    rmSync(mark, { force: true });
    rmSync(`${mark}.done`, { force: true });
    expect((await runCapbu(['demo', 'pull', '--dir', world.directory])).code).toBe(0);
    await app.frameWhere((f) => f.includes('Cắm USB token của khách hàng') && !f.includes('Rút USB token'), 'waiting with nothing plugged', 60_000);
  }

  const installedRenewals = async () =>
    (await runCapbu(['journal', '--json'])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: { oldSerial?: string } })
      .filter((e) => e.type === 'renewal.installed');

  it('keeps drawing, spinner turning, while C_Sign is blocked in the module', async () => {
    await nothingPlugged();
    await app.type('1');
    await app.frameWith('Thuộc diện cấp bù', 60_000);
    await app.type(KEY.enter);
    await app.frameWith('Mã PIN:');
    await app.type(...'viettel-ca', KEY.enter);

    // From the moment the module is inside C_Sign to the last look before it returned.
    await until(() => existsSync(mark), 'C_Sign under way');
    const first = app.stdout.frames.length;
    let last = first;
    while (!existsSync(`${mark}.done`)) {
      last = app.stdout.frames.length;
      await new Promise((r) => setTimeout(r, 10));
    }
    const blocked = app.stdout.frames.slice(first, last);
    const glyphs = blocked.map((f) => SPINNER.exec(f)?.[1]).filter((g) => g !== undefined);
    // 3 s at a 100 ms tick is about 30 frames; even a loaded machine draws a handful.
    expect(blocked.length, 'frames while C_Sign was blocked').toBeGreaterThanOrEqual(5);
    expect(glyphs.length).toBe(blocked.length);
    expect(new Set(glyphs).size, 'distinct spinner positions').toBeGreaterThanOrEqual(4);

    const done = await app.frameWith('Đã cấp bù thời hạn chứng thư số', 120_000);
    expect(done).toContain('Thuế điện tử');
  }, 300_000);

  it('a token pulled while C_Sign is blocked goes back to waiting, and the renewal finishes safely at the next plug', async () => {
    await nothingPlugged();
    const before = (await installedRenewals()).length;
    await app.type('9');
    await app.frameWith('TỔNG CÔNG TY NHIỀU ĐỐI TƯỢNG', 60_000);
    await app.type(KEY.enter);
    await app.frameWith('Mã PIN:');
    await app.type(...'viettel-ca', KEY.enter);
    await until(() => existsSync(mark), 'C_Sign under way');
    expect((await runCapbu(['demo', 'pull', '--dir', world.directory])).code).toBe(0);
    await app.frameWhere((f) => f.includes('Cắm USB token của khách hàng') && !f.includes('Đang cấp bù'), 'waiting after the pull', 120_000);

    // Plugged again: the verdict says a renewal is unfinished, and the PIN finishes it.
    await app.type('9');
    await app.frameWith('bị gián đoạn', 120_000);
    await app.type(KEY.enter);
    await app.frameWith('Mã PIN:');
    await app.type(...'viettel-ca', KEY.enter);
    const done = await app.frameWhere((f) => /Đã cấp bù thời hạn chứng thư số|đã được cấp bù trước đây/.test(f), 'done', 120_000);
    expect(done).toContain('Thuế điện tử');
    // Installed once: the pull and the resume made one renewal, not two.
    const installed = await installedRenewals();
    expect(new Set(installed.map((e) => e.data.oldSerial)).size).toBe(installed.length);
    expect(installed.length).toBe(before + 1);
  }, 400_000);
});
