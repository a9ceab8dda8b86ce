/**
 * What every screen shares, rendered at 80×24 with no colour needed: the status line (kiosk,
 * operator, link, work waiting, registry age, warnings) fits and keeps its warnings; the footer
 * lists only keys that do what it says (one key table); the error screen gives the support line;
 * a locked token is explained and offers nothing to start.
 */
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n/catalog.js';
import { KioskApp } from '../../src/screens/app.js';
import { bindingFor, footerBindings, type KeySpec } from '../../src/screens/keys.js';
import { footerLine, statusLine } from '../../src/screens/layout.js';
import type { StatusView, TokenView } from '../../src/screens/model.js';
import { reduce } from '../../src/screens/reduce.js';
import { initialState, type AppAction, type AppState } from '../../src/screens/state.js';
import { fakeEngine, startRenewal } from '../support/fake-engine.js';
import { renderAt } from '../support/ink.js';
import { certificateView, PIN, tokenView } from '../support/token-view.js';

const t = translator('vi');
const STATUS: StatusView = {
  kioskId: 'HN-QUAY-01',
  online: false,
  waitingEvents: 12,
  waitingRenewals: 3,
  lastSyncAt: '2026-12-01T01:00:00Z',
  registryAgeHours: 24 * 9,
  clockSkewWarning: true,
  unsyncedWarning: true,
  registryWarning: true,
};

function token(locked: boolean): TokenView {
  return tokenView('t1', { label: 'DN-A', hardwareVersion: 'v5', pin: { ...PIN, maxLength: 64, countLow: locked, locked } });
}

function run(state: AppState, ...actions: AppAction[]): AppState {
  return actions.reduce((s, a) => reduce(s, a).state, state);
}

const at = (status: StatusView | null = STATUS) => run(initialState({ operator: 'lan', selfService: false, demo: false, canPrint: true }), ...(status ? [{ type: 'engine', event: { type: 'status', status } } as const] : []));

describe('the frame every screen shares', () => {
  // Regression: with every warning up, the line used to drop the clock's warning first to fit 80 columns.
  it('fits the status line in 80 columns, the most pressing warnings kept', () => {
    const line = statusLine(at(), t, 80);
    expect(line.length).toBeLessThanOrEqual(80);
    for (const part of ['Máy quầy HN-QUAY-01', 'NV: lan', '○ Mất kết nối', '⚠ Lệch đồng hồ', '⚠ Lâu chưa']) expect(line).toContain(part);
    expect(statusLine(at(), t, 120)).toBe('Máy quầy HN-QUAY-01 │ NV: lan │ ○ Mất kết nối │ ⚠ Lệch đồng hồ │ ⚠ Lâu chưa đồng bộ │ ⚠ DS thuê bao cũ: 9 ngày');
    const calm = statusLine(at({ ...STATUS, clockSkewWarning: false, unsyncedWarning: false, registryWarning: false, online: true }), t, 200);
    expect(calm).toBe('Máy quầy HN-QUAY-01 │ NV: lan │ ● Trực tuyến │ Chờ gửi: 15 │ DS thuê bao: 9 ngày');
  });

  it('lists in the footer only keys that do what it says, on every screen', () => {
    const press = (spec: KeySpec) =>
      spec === 'digit' ? { input: '1', name: null } : typeof spec === 'string' ? { input: '', name: spec } : { input: spec.char, name: null };
    const states: AppState[] = [
      at(),
      run(at(), { type: 'engine', event: { type: 'tokens', tokens: [token(false)] } }),
      run(at(), { type: 'engine', event: { type: 'tokens', tokens: [token(true)] } }),
      run(at(), { type: 'engine', event: { type: 'tokens', tokens: [token(false)] } }, { type: 'key', action: 'submit', input: '' }),
      run(at(), { type: 'key', action: 'today', input: '' }),
    ];
    for (const state of states) {
      const shown = footerBindings(state);
      expect(shown.length, state.screen.name).toBeGreaterThan(0);
      for (const binding of shown) expect(bindingFor(state, press(binding.keys[0]!)), `${state.screen.name}: ${binding.action}`).toBe(binding);
      expect(footerLine(state, t, 80)).toBe(shown.map((b) => `${t.text(b.key)} ${t.text(b.label)}`).join(' · '));
    }
  });

  it('explains a locked token and offers nothing to start', async () => {
    const { fake, emit } = fakeEngine();
    const app = renderAt(<KioskApp engine={fake} options={{ operator: 'lan', selfService: false, demo: false, canPrint: false }} t={t} supportLine="Tổng đài 1900 0000" />);
    emit({ type: 'tokens', tokens: [token(true)] });
    const frame = await app.frameWith('đã bị khóa');
    expect(frame.replace(/\s+/g, ' ')).toContain(t.text('kiosk.verdict.locked'));
    expect(frame).not.toContain('Enter bắt đầu cấp bù');
    app.unmount();
  });

  // Regression: the demo's token of many objects (three subscriber certificates of two waves, three
  // CA certificates) beside the demo panel overflowed 24 rows, and the layout dropped whole lines.
  it('shows every line of a verdict for a token of many objects at 80×24 beside the demo panel', async () => {
    const { fake, emit } = fakeEngine();
    const app = renderAt(<KioskApp engine={fake} options={{ operator: 'lan', selfService: false, demo: true, canPrint: false }} t={t} supportLine="Tổng đài 1900 0000" />);
    const wave = { id: 'demo-2020', name: 'Cấp bù thời hạn chứng thư số (demo)', capDate: '2027-01-31', issuedBefore: '2026-07-17', timeZone: 'Asia/Ho_Chi_Minh' };
    const serials = ['632cede5698852b4fdfeaf6e63999cb2', '453da1a667c501fe8b39abf8f0aab30b', '59e83b105161c1de3c41a57ff11b203c'];
    const certificates = [
      ...serials.map((serial) => certificateView({ serial, judgedBy: wave, decision: { campaign: 'demo-2020', eligible: true, reasons: [], renewalNotAfter: '2029-12-01T16:59:59Z' } })),
      ...['r1', 'r2', 'r3'].map((serial) => certificateView({ serial, role: 'ca', decision: null })),
    ];
    const many = tokenView('c93f497cbc974fbf', { label: 'DN-NHIEU-DOI-TUONG', hardwareVersion: '2.6', company: 'TỔNG CÔNG TY NHIỀU ĐỐI TƯỢNG', taxCode: '0100000012', certificates, candidate: serials[1]!, campaign: wave });
    emit({ type: 'tokens', tokens: [many] });
    const frame = await app.frameWith('Enter bắt đầu cấp bù');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const serial of serials) expect(frame).toContain(serial);
    for (const part of ['2.6', '0100000012', '3 CTS của CA', 'Chiến dịch cấp bù', 'Thuộc diện cấp bù', 'Khách hàng tự nhập mã PIN']) expect(frame).toContain(part);
    app.unmount();
  });

  it('gives the support line from the settings on the error screen, with the code', async () => {
    const { fake, emit } = fakeEngine();
    const app = renderAt(<KioskApp engine={fake} options={{ operator: 'lan', selfService: false, demo: false, canPrint: false }} t={t} supportLine="Tổng đài 1900 0000" />);
    emit({ type: 'tokens', tokens: [token(false)] });
    await startRenewal(app, emit);
    emit({ type: 'failed', error: { code: 'TOKEN_ERROR', details: { ckr: 'CKR_GENERAL_ERROR' } }, pin: null });
    const frame = await app.frameWith('Cần hỗ trợ: Tổng đài 1900 0000');
    expect(frame).toContain('Mã lỗi: TOKEN_ERROR');
    expect(frame).toContain('r thử lại');
    app.unmount();
  });
});
