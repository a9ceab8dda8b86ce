/**
 * A CSV export read whole or refused whole (the registry, billing's orders): pure, text in and
 * rows out, so the rooms that read files hand it their text.
 */
import { parse } from 'csv-parse/sync';
import { CapbuError, type ErrorCode } from '../errors.js';

export interface CsvTable<T extends object> {
  /** The code the file is refused with; its `lines` say `<line>:<problem>` for every bad line. */
  readonly code: ErrorCode;
  /** Whether the header names the columns this export has, in their order. */
  readonly header: (columns: readonly string[]) => boolean;
  /** A row's value, or the word for what is wrong with it. Only rows as long as the header get here. */
  readonly row: (cells: Readonly<Record<string, string>>, line: number) => T | string;
}

/**
 * Every row of the file, or a refusal naming each bad line (1-based): a file that is not CSV
 * (`<line>:csv`), a header the export does not have (`:header`), a row of the wrong length
 * (`:columns`), or what `row` says. Blank lines are skipped, cells trimmed, a leading BOM dropped.
 */
export function parseCsvTable<T extends object>(text: string, table: CsvTable<T>): T[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's types do not follow `info: true`, which wraps each record with where it stood.
    records = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as typeof records;
  } catch (error) {
    throw new CapbuError(table.code, { lines: [`${(error as { lines?: number }).lines ?? 0}:csv`] });
  }
  const [header, ...rows] = records;
  const columns = header?.record ?? [];
  if (!table.header(columns)) throw new CapbuError(table.code, { lines: [`${header?.info.lines ?? 1}:header`] });
  const problems: string[] = [];
  const out: T[] = [];
  for (const { record, info } of rows) {
    if (record.length !== columns.length) {
      problems.push(`${info.lines}:columns`);
      continue;
    }
    const value = table.row(Object.fromEntries(columns.map((c, i) => [c, record[i]!])), info.lines);
    if (typeof value === 'string') problems.push(`${info.lines}:${value}`);
    else out.push(value);
  }
  if (problems.length > 0) throw new CapbuError(table.code, { lines: problems });
  return out;
}
