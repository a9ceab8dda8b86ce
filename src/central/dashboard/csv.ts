/**
 * The remaining customers of a province as CSV (csv-stringify), every page of them, streamed as
 * they are read. A byte-order mark first, so spreadsheets read the Vietnamese headers as UTF-8.
 */
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { calendarDate } from '../../i18n/dates.js';
import type { Translator } from '../../i18n/catalog.js';
import { allRemainingCustomers, type ProgressSource } from '../progress/index.js';

export function remainingCsv(source: ProgressSource, province: string, now: Date, t: Translator): Readable {
  const rows = async function* () {
    for await (const c of allRemainingCustomers(source, province, now)) yield { ...c, contractEnd: calendarDate(c.contractEnd) };
  };
  const csv = stringify({
    bom: true,
    header: true,
    columns: [
      { key: 'serial', header: t.text('dash.remaining.serial') },
      { key: 'taxCode', header: t.text('dash.remaining.taxCode') },
      { key: 'contractEnd', header: t.text('dash.remaining.contractEnd') },
    ],
  });
  // A failed read destroys the CSV stream, which cuts the download short rather than leave it hanging.
  pipeline(Readable.from(rows()), csv, () => undefined);
  return csv;
}
