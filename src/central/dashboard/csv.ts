/**
 * The remaining customers of a province as CSV (csv-stringify), every page of them, streamed as
 * they are read. A byte-order mark first, so spreadsheets read the Vietnamese headers as UTF-8.
 */
import { stringify } from 'csv-stringify';
import type { Readable } from 'node:stream';
import { calendarDate } from '../../i18n/dates.js';
import type { Translator } from '../../i18n/catalog.js';
import type { Progress } from './progress.js';

const PAGE = 1000;

export function remainingCsv(progress: Progress, province: string, t: Translator): Readable {
  const out = stringify({
    bom: true,
    header: true,
    columns: [
      { key: 'serial', header: t.text('dash.remaining.serial') },
      { key: 'taxCode', header: t.text('dash.remaining.taxCode') },
      { key: 'contractEnd', header: t.text('dash.remaining.contractEnd') },
    ],
  });
  void (async () => {
    try {
      for (let offset = 0; ; offset += PAGE) {
        const page = await progress.remaining(province, { offset, limit: PAGE });
        for (const row of page.rows) out.write({ ...row, contractEnd: calendarDate(row.contractEnd) });
        if (offset + page.rows.length >= page.total || page.rows.length === 0) break;
      }
      out.end();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}
