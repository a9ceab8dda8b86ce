/**
 * What the kiosk's store must be before anything writes to it: not empty, an SQLite file, whole
 * (PRAGMA quick_check), and of a schema this capbu knows. A store that fails is STORE_FAILED with
 * what to do, never taken for new (its journal and registry copy would be lost) nor written to.
 *
 * quick_check reads every page, about 14 ms per MB here: too slow for every `capbu check` on a
 * kiosk holding a whole province's registry. So it runs when the file has changed since it last
 * passed (size, mtime, inode of the store and its WAL, kept beside it in capbu.db.checked), which
 * is after each session that wrote, or after anything else touched the file.
 */
import { closeSync, openSync, readSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { CapbuError } from '../errors.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

function failed(path: string, problem: 'damaged' | 'empty' | 'newer', extra: Record<string, number> = {}, cause?: unknown): CapbuError {
  return new CapbuError('STORE_FAILED', { path, problem, ...extra }, { cause });
}

/** Before SQLite opens an existing store: an empty file or one that is not SQLite at all. */
export function checkStoreFile(path: string): void {
  const size = statSync(path).size;
  const walSize = statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  // A store is created whole (see openStore): zero bytes with no WAL to replay means its data is gone.
  if (size === 0 && walSize === 0) throw failed(path, 'empty');
  if (size === 0) return;
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(SQLITE_MAGIC)) throw failed(path, 'damaged');
}

function fileState(path: string): string {
  return [path, `${path}-wal`]
    .map((file) => {
      const stat = statSync(file, { throwIfNoEntry: false, bigint: true });
      return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : '-';
    })
    .join(' ');
}

const checkedPath = (path: string) => `${path}.checked`;

function passedBefore(path: string): boolean {
  try {
    return readFileSync(checkedPath(path), 'utf8') === fileState(path);
  } catch {
    // No note (never checked) or none readable: check again, which is always safe.
    return false;
  }
}

/** Noted after the session, when the file is as it will be found next time. */
export function notePassed(path: string): void {
  try {
    writeFileSync(checkedPath(path), fileState(path), { mode: 0o600 });
  } catch {
    // Only a saving: the next open runs quick_check again.
  }
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** Before any write: the schema is not newer than `known`, and the pages are whole. Reads only. */
export function checkStoreContents(db: Database.Database, path: string, known: number): void {
  try {
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const hasSteps = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    const newest = hasSteps ? ((db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null) ?? 0) : 0;
    const version = Math.max(userVersion, newest);
    if (version > known) throw failed(path, 'newer', { version, supported: known });
    if (passedBefore(path)) return;
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw failed(path, 'damaged');
  } catch (error) {
    if (error instanceof CapbuError) throw error;
    if (isCorruption(error)) throw failed(path, 'damaged', {}, error);
    throw error;
  }
}
