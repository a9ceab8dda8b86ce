/**
 * What bench/sync measures, apart from how it is printed (test/bench-sync.test.ts runs it at a
 * tiny scale so it cannot rot). Four timings over the same events:
 * - journaling: `appendEvent` on the kiosk's store, one durable transaction per event, as the
 *   kiosk's commands write them (WAL, synchronous = FULL);
 * - its floor: the same rows into a bare SQLite table, one transaction each, same durability;
 * - sync: `capbu sync --json` as a process, sending the whole journal to `capbu central serve`
 *   (SQLite store) on loopback, start to exit;
 * - its floor: the same rows into a bare SQLite table in one transaction, with the centre's
 *   durability (WAL, synchronous = NORMAL).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writeCampaign2020 } from '../../src/demo/campaign-2020.js';
import { appendEvent, type JournalRow as Row } from '../../src/store/journal.js';
import { openStore } from '../../src/store/store.js';
import { startServe } from '../serve.js';

export interface SyncBenchFigures {
  /** Events journaled and timed (the journal also holds `kiosk.enrolled`, from enrolment). */
  readonly events: number;
  readonly journalSeconds: number;
  readonly journalFloorSeconds: number;
  /** Events the sync sent: the whole journal. */
  readonly synced: number;
  readonly syncSeconds: number;
  readonly syncFloorSeconds: number;
  /** Events the centre holds for the kiosk afterwards, read from its database. */
  readonly atCentre: number;
}

const NOW = '2020-06-01T03:00:00.000Z';
const ROW_TABLE = 'CREATE TABLE events (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, type TEXT NOT NULL, operator TEXT, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)';
const ROW_INSERT = 'INSERT INTO events (seq, at, type, operator, data, prev_hash, hash) VALUES (@seq, @at, @type, @operator, @data, @prev_hash, @hash)';

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

function bareTable(path: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(ROW_TABLE);
  return db;
}

function capbu(env: NodeJS.ProcessEnv, args: string[]): string {
  const run = spawnSync(process.execPath, [join(process.cwd(), 'dist/cli/bin.js'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`capbu ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** Runs the four timings in `dir` (which it fills) with `events` journaled events. */
export async function measureSync(dir: string, events: number): Promise<SyncBenchFigures> {
  const { campaignPath, newCaKeyPath } = await writeCampaign2020(join(dir, 'campaign'));
  const home = join(dir, 'kiosk');
  const centreDb = join(dir, 'centre.db');
  const env = { CAPBU_CAMPAIGN: campaignPath, CAPBU_HOME: home, CAPBU_LANG: 'en', CAPBU_LOG_LEVEL: 'warn' };
  const code = capbu(env, ['central', 'kiosk', 'add', '--id', 'BENCH-SYNC-01', '--province', 'HN', '--channel', 'field', '--db', centreDb]).trim().split('\n').at(-1)!;
  // The centre's quotas are for kiosks in the field; the bench sends a month's events at once.
  const centre = await startServe(env, [
    '--ca-key', newCaKeyPath, '--db', centreDb, '--listen', '127.0.0.1:0', '--now', NOW,
    '--rate-limit', '1000000', '--event-quota', String(10 * events + 1000),
  ]);
  try {
    capbu(env, ['enroll', '--server', centre.url, '--code', code]);

    // Journaling, as the kiosk does: each event its own durable transaction on the kiosk's store.
    const store = openStore(home);
    const base = Date.parse(NOW);
    let started = process.hrtime.bigint();
    for (let i = 0; i < events; i++) {
      appendEvent(store, {
        type: 'check.decided',
        operator: 'lan',
        data: { tokenSerial: `TK${i % 97}`, certificateSerial: (0x10_0000 + i).toString(16), campaign: 'viettel-ca-2020', eligible: i % 3 !== 0, reasons: i % 3 === 0 ? ['NOT_CAPPED'] : [] },
        at: new Date(base + i),
      });
    }
    const journalSeconds = seconds(started);
    const rows = store.prepare('SELECT seq, at, type, operator, data, prev_hash, hash FROM journal ORDER BY seq').all() as Row[];
    store.close();
    const timed = rows.slice(-events);

    // Its floor: the same rows, one transaction each, same durability, no chain, no checks.
    mkdirSync(join(dir, 'floor'));
    const floor = bareTable(join(dir, 'floor', 'journal-floor.db'), 'FULL');
    const insertOne = floor.prepare(ROW_INSERT);
    const one = floor.transaction((row: Row) => insertOne.run(row));
    started = process.hrtime.bigint();
    for (const row of timed) one.immediate(row);
    const journalFloorSeconds = seconds(started);
    floor.close();

    // Sync: the kiosk's own command, the whole journal to the centre over loopback.
    started = process.hrtime.bigint();
    const report = JSON.parse(capbu(env, ['sync', '--json'])) as { eventsSent: number; eventsPending: number };
    const syncSeconds = seconds(started);
    if (report.eventsPending !== 0) throw new Error(`sync left ${report.eventsPending} events unsent`);

    // Its floor: the same rows straight into a table in one transaction, the centre's durability.
    const bulk = bareTable(join(dir, 'floor', 'sync-floor.db'), 'NORMAL');
    const insertAll = bulk.prepare(ROW_INSERT);
    started = process.hrtime.bigint();
    bulk.transaction(() => {
      for (const row of rows) insertAll.run(row);
    })();
    const syncFloorSeconds = seconds(started);
    bulk.close();

    const held = new Database(centreDb, { readonly: true });
    const atCentre = held.prepare(`SELECT COUNT(*) FROM kiosk_events WHERE kiosk_id = 'BENCH-SYNC-01'`).pluck().get() as number;
    held.close();
    return { events, journalSeconds, journalFloorSeconds, synced: report.eventsSent, syncSeconds, syncFloorSeconds, atCentre };
  } finally {
    await centre.stop();
  }
}
