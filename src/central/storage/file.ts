/**
 * The centre's SQLite file on disk. It holds credential hashes and customers' tax codes, so it
 * and its WAL and shared-memory files are the service user's alone (0600), in a directory no
 * other user can write to (who can write the directory can swap the database).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CapbuError } from '../../errors.js';

const OTHERS_WRITE = 0o022;
const STICKY = 0o1000;

/** Makes the directory (0700) and the file (0600) when missing, and tightens a file that is looser. */
export function prepareDatabaseFile(path: string): void {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const mode = statSync(directory).mode;
  if (mode & OTHERS_WRITE && !(mode & STICKY)) {
    throw new CapbuError('CENTRAL_DB_UNSAFE', { db: path, directory });
  }
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  // SQLite gives the -wal and -shm files the main file's permissions when it creates them.
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}
