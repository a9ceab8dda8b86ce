/**
 * The kiosk app's flows through the real core: the engine in its worker thread, SoftHSM2 tokens
 * of a demo world (made by `capbu demo` in its own process, since a process may initialise a
 * PKCS#11 module only once) plugged and pulled as the clerk would, and the demo's real central
 * service on loopback. Asserts on what the clerk reads, at 80×24.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEngine } from '../../src/screens/engine/host.js';
import { readDemoWorld, type DemoWorld } from '../../src/demo/world.js';
import { calendarDateIn, localTimeToInstant } from '../../src/campaign/calendar.js';
import { runCapbu } from '../support/cli.js';
import { KEY, type renderAt } from '../support/ink.js';
import { demoKiosk, printedJournal } from '../support/kiosk.js';

let world: DemoWorld;
let engine: RunningEngine;
let app: ReturnType<typeof renderAt>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-kiosk-'));
  const made = await runCapbu(['demo', dir]);
  expect(made.code).toBe(0);
  world = readDemoWorld(dir)!;
  ({ engine, app } = demoKiosk(world, world.env.CAPBU_PKCS11_MODULE!));
  await app.frameWith('DEMO-QUAY-01', 120_000);
  await app.frameWith('đủ điều kiện', 60_000);
}, 300_000);

afterAll(async () => {
  app?.unmount();
  await engine?.close();
});

/** Back to the waiting screen with nothing plugged, whatever screen a test left: pull every token. */
async function idle() {
  expect((await runCapbu(['demo', 'pull', '--dir', world.directory])).code).toBe(0);
  // Waiting, and the app has seen every token go (not only a dismissed one still plugged).
  await app.frameWhere((f) => f.includes('Cắm USB token của khách hàng') && !f.includes('Rút USB token'), 'waiting with nothing plugged');
}

beforeEach(idle);

describe('capbu kiosk, on the real core', () => {
  it('plug → verdict → PIN → steps → done, and the portals to update', async () => {
    await app.type('1');
    const verdict = await app.frameWith('Thuộc diện cấp bù');
    expect(verdict).toContain('CÔNG TY TNHH HẢI ĐĂNG');
    expect(verdict).toContain('Enter bắt đầu cấp bù');
    await app.type(KEY.enter);
    await app.frameWith('Mã PIN:');
    await app.type(...'viettel-ca');
    expect(await app.frameWith('••••••••••')).not.toContain('viettel-ca');
    await app.type(KEY.enter);
    const done = await app.frameWith('Đã cấp bù thời hạn chứng thư số', 60_000);
    expect(done).toContain('Thuế điện tử');
    expect(done).toContain('Hải quan điện tử');
    await idle();
  });

  it('a PIN and its Enter in one chunk (a paste, a fast keyboard) act as typed one by one', async () => {
    await app.type('0');
    await app.frameWith('CÔNG TY TNHH SẮP KHÓA');
    await app.type(KEY.enter);
    await app.frameWith('Mã PIN:');
    // The Enter submits (here: the kiosk asks before the final try, so no try is spent).
    await app.type(`wrong-pin!${KEY.enter}`);
    await app.frameWith('Lần thử cuối cùng');
    await app.type('n');
    await app.frameWith('Mã PIN:');
    await app.type(KEY.escape);
    await idle();
  });

  it('not eligible: every reason in words and nothing to start', async () => {
    await app.type('4');
    const verdict = await app.frameWith('Không thuộc diện cấp bù');
    expect(verdict).toContain('Thuê bao đã bị thu hồi');
    expect(verdict).not.toContain('Enter bắt đầu');
    await idle();
  });

  it('a wrong PIN goes back to the PIN field with the tries left; the kiosk asks y before a final try', async () => {
    await app.type('0');
    await app.frameWith('CÔNG TY TNHH SẮP KHÓA');
    await app.type(KEY.enter);
    const pin = await app.frameWith('Mã PIN:');
    expect(pin).toContain('lần cuối');
    await app.type(...'wrong-pin!', KEY.enter);
    await app.frameWith('Lần thử cuối cùng');
    await app.type('n');
    await app.frameWith('Mã PIN:');
    await app.type(KEY.escape);
    await app.frameWith('Thuộc diện cấp bù');
    await idle();
  });

  it('a Vietnamese key is refused before anything reaches the token', async () => {
    await app.type('9');
    await app.frameWith('TỔNG CÔNG TY NHIỀU ĐỐI TƯỢNG');
    await app.type(KEY.enter);
    await app.frameWith('Mã PIN:');
    await app.type('ă');
    await app.frameWith('ASCII');
    await app.type(KEY.escape);
    await idle();
  });

  it('pulling the token on the PIN screen goes back to waiting', async () => {
    await app.type('9');
    await app.frameWith('TỔNG CÔNG TY NHIỀU ĐỐI TƯỢNG');
    await app.type(KEY.enter);
    await app.frameWith('Mã PIN:');
    await app.type(...'viet');
    await runCapbu(['demo', 'pull', '--dir', world.directory]);
    await app.frameWith('Cắm USB token của khách hàng');
  });

  it('offline: the request is saved, and the next plug with the link back finishes it', async () => {
    await app.type('n');
    await app.frameWith('Mạng demo: đã cắt');
    await app.type('2');
    await app.frameWith('Doanh nghiệp tư nhân Đồng Nai');
    await app.type(KEY.enter, ...'viettel-ca', KEY.enter);
    await app.frameWith('Đã lưu, sẽ gửi khi có kết nối', 90_000);
    await app.type(KEY.enter);
    await idle();
    await app.type('n');
    await app.frameWith('Mạng demo: có');
    await app.type('2');
    // Saved, or by now issued and waiting to be written: either way said as such, not as a failure.
    const resumed = await app.frameWith('↻');
    expect(resumed).not.toContain('bị gián đoạn');
    await app.type(KEY.enter, ...'viettel-ca', KEY.enter);
    await app.frameWith('Đã cấp bù thời hạn chứng thư số', 60_000);
    await idle();
  });

  it('two tokens: both named, the clerk picks one', async () => {
    await app.type('3', '5');
    const choose = await app.frameWith('chọn token của khách hàng');
    expect(choose).toContain('DN-MOI-CAP');
    expect(choose).toContain('DN-CON-HAN');
    await app.type(KEY.down, KEY.enter);
    await app.frameWith('Không thuộc diện cấp bù');
    await idle();
  });

  it("today's figures are the journal's: each plug's verdicts journaled once, as capbu check does", async () => {
    // A customer turned away twice and one more: verdicts journaled at each plug, not at each frame.
    for (const digit of ['4', '3', '4']) {
      await app.type(digit);
      await app.frameWith('Không thuộc diện cấp bù');
      await idle();
    }
    const events = await printedJournal();
    const plugs = (serial: string) => events.filter((e) => e.type === 'token.plugged' && e.data.tokenSerial === serial).length;
    const decided = events.filter((e) => e.type === 'check.decided');
    const renewedTokens = new Set(events.filter((e) => e.type === 'renewal.installed').map((e) => e.data.tokenSerial));
    expect(decided.length).toBeGreaterThanOrEqual(3);
    for (const d of decided) {
      expect(d.operator).toBe('lan');
      if (renewedTokens.has(d.data.tokenSerial)) continue;
      // A token not renewed keeps its verdicts: one per certificate for each time it was plugged.
      const same = decided.filter((e) => e.data.certificateSerial === d.data.certificateSerial);
      expect(same.length, `verdicts of ${String(d.data.certificateSerial)}`).toBe(plugs(String(d.data.tokenSerial)));
    }

    await app.type(KEY.tab);
    const today = await app.frameWith('Hôm nay tại máy quầy này');
    const shown = (label: string) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(today)?.[1]);
    const since = localTimeToInstant(calendarDateIn(new Date(), ZONE), [0, 0, 0], ZONE).toISOString();
    const todays = events.filter((e) => e.at >= since);
    const count = (type: string) => todays.filter((e) => e.type === type).length;
    const verdicts = new Map<string, boolean>();
    for (const e of todays.filter((e) => e.type === 'check.decided')) {
      const token = String(e.data.tokenSerial);
      verdicts.set(token, (verdicts.get(token) ?? false) || e.data.eligible === true);
    }
    const turnedAway = [...verdicts.values()].filter((eligible) => !eligible).length;
    expect(turnedAway).toBeGreaterThanOrEqual(2);
    expect(shown('Không thuộc diện')).toBe(turnedAway);
    expect(shown('Đã cấp bù')).toBe(count('renewal.installed'));
    expect(shown('Đã lưu, chờ gửi')).toBe(count('renewal.queued'));
    expect(shown('Không hoàn tất')).toBe(count('renewal.failed'));
    await app.type(KEY.tab);
    await app.frameWith('Cắm USB token của khách hàng');
  });
});

const ZONE = 'Asia/Ho_Chi_Minh';
