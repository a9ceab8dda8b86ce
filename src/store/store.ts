/** The kiosk's SQLite store: one file in the data directory, schema migrated on open. */
import { chmodSync, existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CapbuError } from '../errors.js';
import { migrateSqlite, type Migration } from '../sql/migrate.js';
import { checkStoreContents, checkStoreFile, notePassed } from './store-checks.js';

export type Store = Database.Database;

/** Append-only: each step moves the schema one version forward; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'registry',
    statements: [
      `CREATE TABLE registry (
         serial TEXT PRIMARY KEY,
         tax_code TEXT NOT NULL,
         contract_end TEXT NOT NULL,
         status TEXT NOT NULL,
         province TEXT,
         updated_at TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 2,
    name: 'renewals',
    statements: [
      // One row per renewal attempt; the idempotency key is written before the first send, so a
      // crash at any later point resumes the same request instead of issuing twice.
      `CREATE TABLE renewals (
         id INTEGER PRIMARY KEY,
         idempotency_key TEXT NOT NULL UNIQUE,
         token_serial TEXT NOT NULL,
         old_serial TEXT NOT NULL,
         old_certificate BLOB NOT NULL,
         request TEXT NOT NULL,
         renewal_not_after TEXT NOT NULL,
         state TEXT NOT NULL,
         new_serial TEXT,
         new_certificate BLOB,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL
       )`,
      `CREATE UNIQUE INDEX renewals_old_serial ON renewals (old_serial)`,
      `CREATE TABLE pin_failures (
         token_serial TEXT PRIMARY KEY,
         count INTEGER NOT NULL,
         updated_at TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 3,
    name: 'centre-clock',
    statements: [
      // The centre's clock as last seen from here: while online, the kiosk decides with it.
      `CREATE TABLE centre_clock (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         skew_ms INTEGER NOT NULL,
         observed_at TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 4,
    name: 'renewal-key-id',
    // The new certificate object takes the CKA_ID of the key itself, not of the old certificate.
    statements: [`ALTER TABLE renewals ADD COLUMN key_id BLOB`],
  },
  {
    version: 5,
    name: 'registry-sync',
    statements: [
      // How far the registry snapshot has caught up with the centre's.
      `CREATE TABLE registry_sync (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         version INTEGER NOT NULL,
         synced_at TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 6,
    name: 'journal',
    statements: [
      // The journal (src/store/journal.ts): id is the order of writing, seq the chain's own
      // numbering, so a row moved in the chain shows against the order it was written in.
      `CREATE TABLE journal (
         id INTEGER PRIMARY KEY,
         seq INTEGER NOT NULL UNIQUE,
         at TEXT NOT NULL,
         type TEXT NOT NULL,
         operator TEXT,
         data TEXT NOT NULL,
         prev_hash TEXT NOT NULL,
         hash TEXT NOT NULL
       )`,
      `CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END`,
      `CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END`,
      // How far the centre has acknowledged the chain.
      `CREATE TABLE journal_sync (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         acknowledged_seq INTEGER NOT NULL,
         last_contact_at TEXT
       )`,
      `INSERT INTO journal_sync (id, acknowledged_seq) VALUES (1, 0)`,
      // One sync at a time (src/store/sync-lock.ts).
      `CREATE TABLE sync_lock (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         holder TEXT NOT NULL,
         expires_at INTEGER NOT NULL
       )`,
      `ALTER TABLE renewals ADD COLUMN new_not_after TEXT`,
    ],
  },
  {
    version: 7,
    name: 'registry-rollout-and-orders',
    statements: [
      // What the centre's registry rows now carry: the token's hardware version for the rollout
      // plan, and the paid extension order, so the kiosk shows and decides them offline.
      `ALTER TABLE registry ADD COLUMN hardware_version TEXT`,
      `ALTER TABLE registry ADD COLUMN order_id TEXT`,
      `ALTER TABLE registry ADD COLUMN paid_until TEXT`,
      `ALTER TABLE registry ADD COLUMN paid_at TEXT`,
    ],
  },
  {
    version: 8,
    name: 'registry-issuer-keys',
    statements: [
      // Waves of one CA name reuse serials: a row is the old CA key's identifier and the serial
      // (src/campaign/registry.ts). Rows from before name no key (''): they stand for their
      // serial under any key that has no row of its own.
      `CREATE TABLE registry_keyed (
         issuer_key TEXT NOT NULL,
         serial TEXT NOT NULL,
         tax_code TEXT NOT NULL,
         contract_end TEXT NOT NULL,
         status TEXT NOT NULL,
         province TEXT,
         updated_at TEXT NOT NULL,
         hardware_version TEXT,
         order_id TEXT,
         paid_until TEXT,
         paid_at TEXT,
         PRIMARY KEY (issuer_key, serial)
       )`,
      `INSERT INTO registry_keyed (issuer_key, serial, tax_code, contract_end, status, province, updated_at, hardware_version, order_id, paid_until, paid_at)
         SELECT '', serial, tax_code, contract_end, status, province, updated_at, hardware_version, order_id, paid_until, paid_at FROM registry`,
      `DROP TABLE registry`,
      `ALTER TABLE registry_keyed RENAME TO registry`,
      // One renewal per old certificate, the certificate itself: two waves' certificates may share a serial.
      `DROP INDEX renewals_old_serial`,
      `CREATE UNIQUE INDEX renewals_old_certificate ON renewals (old_certificate)`,
      `CREATE INDEX renewals_by_old_serial ON renewals (old_serial)`,
    ],
  },
];
export function openStore(directory: string): Store {
  const path = join(directory, 'capbu.db');
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    if (!existsSync(path)) createStore(path);
    checkStoreFile(path);
    const db = new Database(path, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    try {
      checkStoreContents(db, path, MIGRATIONS.at(-1)!.version);
    } catch (error) {
      db.close();
      throw error;
    }
    // Customers' certificates and tax codes live here: the kiosk's user only.
    chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    // Journal commits are durable before the action they record is reported done.
    db.pragma('synchronous = FULL');
    migrateSqlite(db, MIGRATIONS, new Date().toISOString());
    const close = db.close.bind(db);
    db.close = () => {
      close();
      notePassed(path);
      return db;
    };
    return db;
  } catch (error) {
    if (error instanceof CapbuError) throw error;
    throw new CapbuError('STORE_FAILED', { path: directory }, { cause: error });
  }
}

/**
 * Commits `work` without waiting for the disk, for records whose loss costs only a repeat: what
 * the centre acknowledged (the events are sent again, which the centre takes as harmless) and the
 * clock it showed. A killed process loses nothing (the write-ahead log is in the system's cache);
 * only a power cut can take such a commit back, and the next durable commit carries it to disk.
 */
export function commitUndurably<T>(db: Store, work: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return db.transaction(work).immediate();
  } finally {
    db.pragma('synchronous = FULL');
  }
}

/**
 * A new store is made beside and linked into place whole, so an empty capbu.db is never a new
 * store but one whose data is gone. Linking (not renaming) lets a second process that raced to
 * create it keep the first one's file.
 */
function createStore(path: string): void {
  const temporary = `${path}.${process.pid}.new`;
  try {
    const db = new Database(temporary);
    try {
      chmodSync(temporary, 0o600);
      db.pragma('journal_mode = WAL');
      migrateSqlite(db, MIGRATIONS, new Date().toISOString());
    } finally {
      db.close();
    }
    try {
      linkSync(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(temporary, { force: true });
  }
}
