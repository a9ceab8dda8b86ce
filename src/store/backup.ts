/**
 * Backing up and restoring the kiosk's store through SQLite's online backup: a consistent copy
 * while the kiosk and the sync service keep using it, which a file copy of a WAL database is not.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CapbuError } from '../errors.js';
import { openStore } from './store.js';

export async function backupStore(directory: string, file: string): Promise<void> {
  if (existsSync(file)) throw new CapbuError('USAGE', { usage: 'fileExists', command: 'backup', path: file });
  const db = openStore(directory);
  try {
    await db.backup(file);
    // The copy holds customers' certificates and tax codes, like the store itself.
    chmodSync(file, 0o600);
  } catch (error) {
    throw new CapbuError('STORE_FAILED', { path: file }, { cause: error });
  } finally {
    db.close();
  }
}

/** Only a whole, undamaged capbu store replaces the kiosk's; the store is migrated forward after. */
export async function restoreStore(directory: string, file: string): Promise<void> {
  let source: Database.Database;
  try {
    source = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new CapbuError('BACKUP_INVALID', { path: file }, { cause: error });
  }
  try {
    let tables: string[];
    let integrity: unknown;
    try {
      integrity = source.pragma('integrity_check', { simple: true });
      tables = source.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    } catch (error) {
      throw new CapbuError('BACKUP_INVALID', { path: file }, { cause: error });
    }
    if (integrity !== 'ok' || !['registry', 'renewals'].every((t) => tables.includes(t))) throw new CapbuError('BACKUP_INVALID', { path: file });
    // Into a new file beside the store, then renamed over it: the store being replaced may be the
    // damaged one this restore is for, which SQLite could not open as a destination.
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const store = join(directory, 'capbu.db');
    const incoming = `${store}.restoring`;
    try {
      rmSync(incoming, { force: true });
      await source.backup(incoming);
      chmodSync(incoming, 0o600);
      // The replaced store is kept beside it, and its WAL must not be replayed onto the restored one.
      if (existsSync(store)) renameSync(store, `${store}.before-restore`);
      for (const leftover of [`${store}-wal`, `${store}-shm`]) rmSync(leftover, { force: true });
      renameSync(incoming, store);
    } catch (error) {
      throw new CapbuError('STORE_FAILED', { path: directory }, { cause: error });
    }
  } finally {
    source.close();
  }
  openStore(directory).close();
}
