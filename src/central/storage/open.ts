/** `--db DB`: a postgres:// URL means PostgreSQL, anything else is an SQLite file path. */
import { resolve } from 'node:path';
import { DEFAULT_STORE_OPTIONS, type CentralStore, type StoreOptions } from './store.js';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** Opens the store and brings its schema up to date. */
export async function openCentralStore(db: string, at: Date, options: Partial<StoreOptions> = {}): Promise<CentralStore> {
  const all: StoreOptions = {
    waitMs: options.waitMs ?? DEFAULT_STORE_OPTIONS.waitMs,
    pool: options.pool ?? DEFAULT_STORE_OPTIONS.pool,
    log: options.log ?? DEFAULT_STORE_OPTIONS.log,
    onLost: options.onLost,
  };
  if (isPostgresUrl(db)) {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(db, at.toISOString(), all);
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(resolve(db), at.toISOString(), all);
}
