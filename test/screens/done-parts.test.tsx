/**
 * The done screen says what the renewal granted as the receipt prints it (issue 15 §3): the days
 * given free as compensation always, and the paid order's days with its id when there is one.
 */
import { describe, expect, it } from 'vitest';
import { translator, type Language } from '../../src/i18n/catalog.js';
import { KioskApp } from '../../src/screens/app.js';
import { DoneView } from '../../src/screens/done-view.js';
import type { GrantView, OutcomeView } from '../../src/screens/model.js';
import { WordsContext } from '../../src/screens/words.js';
import { fakeEngine, startRenewal } from '../support/fake-engine.js';
import { renderAt } from '../support/ink.js';
import { tokenView } from '../support/token-view.js';

const ZONE = 'Asia/Ho_Chi_Minh';

function outcome(parts: GrantView | null): OutcomeView {
  return { status: 'renewed', oldSerial: 'ab01', newSerial: 'cd02', notAfter: '2028-12-01T16:59:59Z', receiptPath: '/r/receipt.txt', timeZone: ZONE, parts };
}

/** The screen at 80×24, each line trimmed and joined so a wrapped sentence is found whole. */
function screen(shown: OutcomeView, language: Language): string {
  const app = renderAt(
    <WordsContext.Provider value={translator(language)}>
      <DoneView screen={{ name: 'done', tokenKey: 't', outcome: shown }} printed={null} />
    </WordsContext.Provider>,
    80,
    24,
  );
  const frame = app.lastFrame();
  app.unmount();
  return frame.split('\n').map((l) => l.trim()).join(' ');
}

describe('the done screen shows the renewal in its parts', () => {
  for (const language of ['vi', 'en'] as const) {
    const t = translator(language);
    it(`compensation alone: its days and end, no order (${language})`, () => {
      const shown = screen(outcome({ compensationDays: 702, compensationNotAfter: '2028-12-01T16:59:59Z', paid: null }), language);
      expect(shown).toContain(t.text('kiosk.verdict.parts', { compensationDays: 702, compensationEnd: '01/12/2028' }));
      expect(shown).not.toContain(language === 'vi' ? 'đơn hàng' : 'order');
    });

    it(`with a paid order: both parts and the order's id (${language})`, () => {
      const paid = { orderId: 'DH-2025-0042', paidUntil: '2029-12-01', days: 365, cappedDays: 0 };
      const shown = screen(outcome({ compensationDays: 702, compensationNotAfter: '2028-12-01T16:59:59Z', paid }), language);
      expect(shown).toContain(t.text('kiosk.verdict.parts', { compensationDays: 702, compensationEnd: '01/12/2028', orderId: 'DH-2025-0042', paidDays: 365 }));
    });
  }

  it('a renewal from before the parts were known shows the validity line alone', () => {
    const shown = screen(outcome(null), 'vi');
    expect(shown).toContain('có hiệu lực đến hết ngày 01/12/2028');
    expect(shown).not.toContain('ngày cấp bù miễn phí');
  });
});

describe('the done screen fits 80×24 beside the demo panel, its narrowest', () => {
  const paid = { orderId: 'DH-2025-0042', paidUntil: '2029-12-01', days: 365, cappedDays: 0 };
  for (const parts of [{ compensationDays: 670, compensationNotAfter: '2028-12-01T16:59:59Z', paid: null }, { compensationDays: 670, compensationNotAfter: '2028-12-01T16:59:59Z', paid }]) {
    it(`every line on screen, none squeezed into another (${parts.paid ? 'with' : 'without'} a paid order)`, async () => {
      const { fake, emit } = fakeEngine();
      const t = translator('vi');
      const app = renderAt(<KioskApp engine={fake} options={{ operator: 'lan', selfService: false, demo: true, canPrint: true }} t={t} supportLine="Tổng đài 18008000 nhánh 1" />, 80, 24);
      const customers = [...'1234567890'].map((key) => ({ key, name: `DN-${key}`, situation: 'eligible' as const, plugged: key === '1' }));
      emit({ type: 'demo', demo: { customers, linkUp: true } });
      emit({ type: 'tokens', tokens: [tokenView('t1', { label: 'DN-HAI-DANG' })] });
      await startRenewal(app, emit);
      emit({
        type: 'outcome',
        outcome: {
          status: 'renewed',
          oldSerial: 'ab01',
          newSerial: '57308861cb45ea8199970d6b5d854d11',
          notAfter: '2028-12-01T16:59:59Z',
          receiptPath: '/var/lib/capbu/home/receipts/2026-12-02T05-07-51Z-57308861cb45ea8199970d6b5d854d11.txt',
          timeZone: ZONE,
          parts,
        },
      });
      emit({ type: 'printed', ok: true });
      const frame = await app.frameWith('Đã gửi biên nhận tới máy in.');
      app.unmount();
      const lines = frame.split('\n');
      expect(lines.length).toBeLessThanOrEqual(24);
      const text = lines.map((l) => l.slice(0, 52).trim()).join(' ');
      for (const shown of ['✔ Đã cấp bù thời hạn chứng thư số', 'ngày cấp bù miễn phí', 'Khách hàng cần cập nhật chứng thư số mới trên:', '☐ Thuế điện tử', '☐ Dịch vụ công', 'Biên nhận đã lưu:', 'Rút token, hoặc nhấn Enter']) {
        expect(text, frame).toContain(shown);
      }
      if (parts.paid) expect(text).toContain('DH-2025-0042');
    });
  }
});

