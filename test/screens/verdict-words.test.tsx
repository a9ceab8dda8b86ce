/**
 * The verdict screen words reasons and an earlier renewal with the sentences `capbu check` prints
 * (issue 14: one source of words for reasons in both front-ends), in both languages.
 */
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../src/campaign/decide.js';
import { translator, type Language } from '../../src/i18n/catalog.js';
import { kioskEn } from '../../src/i18n/kiosk-en.js';
import { kioskVi } from '../../src/i18n/kiosk-vi.js';
import type { CertificateView, TokenView } from '../../src/screens/model.js';
import { VerdictView } from '../../src/screens/verdict-view.js';
import { WordsContext } from '../../src/screens/words.js';
import { renderAt } from '../support/ink.js';

const SUPPORT_LINE = 'Tổng đài 18008000 nhánh 1';
const CAMPAIGN = { id: 'c', name: 'Cấp bù 2020', capDate: '2020-10-02', issuedBefore: '2019-07-17', timeZone: 'Asia/Ho_Chi_Minh', supportLine: SUPPORT_LINE };
const PIN = { minLength: 8, maxLength: 64, countLow: false, finalTry: false, locked: false, kioskTriesLeft: null };

function certificate(over: Partial<CertificateView>): CertificateView {
  return {
    serial: 'ab01',
    subject: 'CN=A',
    commonName: 'A',
    role: 'end-entity',
    notBefore: '2019-08-01T02:00:00Z',
    notAfter: '2020-10-02T09:00:00Z',
    decision: null,
    judgedBy: CAMPAIGN,
    contractEnd: '2020-09-30',
    taxCode: '0101234567',
    registryTaxCode: '0107654321',
    renewed: null,
    ...over,
  };
}

function token(c: CertificateView, candidate: string | null): TokenView {
  return {
    key: 't',
    label: 'DN-A',
    serial: '51ab',
    manufacturer: 'SoftHSM project',
    model: 'SoftHSM v2',
    hardwareVersion: null,
    company: 'A',
    taxCode: '0101234567',
    pin: PIN,
    certificates: [c],
    candidate,
    unfinished: null,
    campaign: CAMPAIGN,
  };
}

/** The screen's text on one long line per row, so a sentence is found whole. */
function screen(view: TokenView, language: Language, columns = 400): string {
  const app = renderAt(
    <WordsContext.Provider value={translator(language)}>
      <VerdictView token={view} />
    </WordsContext.Provider>,
    columns,
    40,
  );
  const frame = app.lastFrame();
  app.unmount();
  return frame;
}

describe('the verdict screen words reasons as capbu check does', () => {
  for (const language of ['vi', 'en'] as const) {
    const t = translator(language);

    it(`names the wave the certificate belongs to, with that wave's dates (${language})`, () => {
      const wave2024 = { id: 'w24', name: 'Cấp bù 2024', capDate: '2024-05-13', issuedBefore: '2023-12-01', timeZone: 'Asia/Ho_Chi_Minh' };
      const c = certificate({ judgedBy: wave2024, notAfter: '2024-05-13T09:00:00Z', decision: { campaign: 'w24', eligible: false, reasons: ['CONTRACT_NOT_BEYOND_CAP'], renewalNotAfter: null } });
      const shown = screen(token(c, 'ab01'), language);
      expect(shown).toContain(t.text('kiosk.verdict.campaign', { name: 'Cấp bù 2024' }));
      expect(shown).toContain(t.reason('CONTRACT_NOT_BEYOND_CAP', { contractEnd: '30/09/2020', capDate: '13/05/2024' }));
      // A certificate no wave's old CA signed names none.
      const none = screen(token(certificate({ decision: { campaign: null, eligible: false, reasons: ['NOT_ISSUED_BY_OLD_CA'], renewalNotAfter: null } }), 'ab01'), language);
      expect(none).not.toContain(t.text('kiosk.verdict.campaign', { name: 'Cấp bù 2020' }));
    });

    it(`every reason, with its dates, in the reasons' words (${language})`, () => {
      const c = certificate({ decision: { campaign: null, eligible: false, reasons: [...REASON_CODES], renewalNotAfter: null } });
      const shown = screen(token(c, null), language);
      const vars = {
        serial: 'ab01',
        notBefore: '01/08/2019',
        notAfter: '02/10/2020',
        capDate: '02/10/2020',
        issuedBefore: '17/07/2019',
        contractEnd: '30/09/2020',
        certificateTaxCode: '0101234567',
        registryTaxCode: '0107654321',
        supportLine: SUPPORT_LINE,
      };
      for (const reason of REASON_CODES) expect(shown).toContain(t.reason(reason, vars));
    });

    it(`a certificate renewed here, in the words of capbu check (${language})`, () => {
      const c = certificate({
        serial: 'cd02',
        notAfter: '2022-03-01T16:59:59Z',
        decision: { campaign: null, eligible: false, reasons: ['NOT_ISSUED_BY_OLD_CA'], renewalNotAfter: null },
        renewed: { oldSerial: 'ab01', at: '2026-12-01T03:00:00Z' },
      });
      const shown = screen(token(c, null), language);
      expect(shown).toContain(t.text('renewedOn', { at: '01/12/2026', old: 'ab01', notAfter: '01/03/2022' }));
      expect(shown).not.toContain(t.reason('NOT_ISSUED_BY_OLD_CA'));
    });
  }

  it('keeps the mark apart from a reason that wraps, and the wrapped lines under the reason (the 50 columns beside the demo panel)', () => {
    const c = certificate({ decision: { campaign: null, eligible: false, reasons: ['NOT_ISSUED_BY_OLD_CA', 'REVOKED'], renewalNotAfter: null } });
    const lines = screen(token(c, null), 'vi', 50).split('\n');
    const marked = lines.map((line, i) => [line, i] as const).filter(([line]) => line.includes('✖'));
    expect(marked).toHaveLength(2);
    for (const [line, i] of marked) {
      expect(line).toMatch(/^ {2}✖ \S/);
      // The lines that follow, up to the next mark, sit under the reason's first letter.
      for (const next of lines.slice(i + 1).filter((l) => l.trim() !== '')) {
        if (next.includes('✖') || !next.startsWith('  ')) break;
        expect(next).toMatch(/^ {4}\S/);
      }
    }
  });

  it('keeps no words of its own for reasons', () => {
    for (const catalogue of [kioskVi, kioskEn]) {
      expect(Object.keys(catalogue).filter((k) => /^kiosk\.(reason|advice)\.|^kiosk\.verdict\.renewed$/.test(k))).toEqual([]);
    }
  });
});
