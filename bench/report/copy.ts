/**
 * The same campaign into PostgreSQL: every table copied row for row from the loaded SQLite
 * centre with COPY (pg-copy-streams), so both databases hold identical data without sealing
 * ten million journal events twice.
 */
import { once } from 'node:events';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { LoadTimes } from './load.js';

/** In the order their foreign keys need. */
export const TABLES = [
  'subscribers', 'certificates', 'progress_campaign', 'kiosks', 'kiosk_events', 'renewals', 'renewal_claims',
  'decisions', 'refusals', 'refusal_reasons', 'progress_counts', 'plan_counts',
] as const;

/** A value in COPY's text format: \N for null, backslash escapes for the characters it reserves. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

export async function copyToPostgres(source: Database.Database, client: pg.Client, progress: (line: string) => void): Promise<LoadTimes[]> {
  const times: LoadTimes[] = [];
  await client.query("UPDATE meta SET value = 1 WHERE name = 'registry_version'");
  for (const table of TABLES) {
    const start = process.hrtime.bigint();
    const select = source.prepare(`SELECT * FROM ${table}`).raw();
    const columns = select.columns().map((c) => c.name);
    const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    let rows = 0;
    let chunk: string[] = [];
    for (const row of select.iterate() as IterableIterator<unknown[]>) {
      chunk.push(row.map(copyText).join('\t'));
      rows++;
      if (chunk.length === 5000) {
        if (!stream.write(chunk.join('\n') + '\n')) await once(stream, 'drain');
        chunk = [];
      }
    }
    if (chunk.length > 0) stream.write(chunk.join('\n') + '\n');
    stream.end();
    await done;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    times.push({ table, rows, seconds });
    progress(`  ${table}: ${rows} rows in ${seconds.toFixed(1)} s`);
  }
  return times;
}
