/** The kiosk's SQLite store: one file in the data directory, schema migrated on open. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CapbuError } from '../errors.js';

export type Store = Database.Database;

/** Append-only: each entry moves the schema one version forward. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE registry (
     serial TEXT PRIMARY KEY,
     tax_code TEXT NOT NULL,
     contract_end TEXT NOT NULL,
     status TEXT NOT NULL,
     province TEXT,
     updated_at TEXT NOT NULL
   );`,
];

function migrate(db: Store): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export function openStore(directory: string): Store {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const db = new Database(join(directory, 'capbu.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    throw new CapbuError('STORE_FAILED', { path: directory }, { cause: error });
  }
}
