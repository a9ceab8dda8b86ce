/** `--db DB`: a postgres:// URL means PostgreSQL, anything else is an SQLite file path. */
import { resolve } from 'node:path';
import type { CentralStore } from './store.js';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** Opens the store and brings its schema up to date. */
export async function openCentralStore(db: string, at: Date): Promise<CentralStore> {
  if (isPostgresUrl(db)) {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(db, at.toISOString());
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(resolve(db), at.toISOString());
}
