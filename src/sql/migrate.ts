/**
 * The one migration runner, for the kiosk's SQLite store and the centre's SQLite and PostgreSQL
 * stores. A schema is a list of numbered steps applied in order; the runner is written once as a
 * plan of SQL commands, and each database drives it (better-sqlite3 synchronously, pg through
 * promises). The plan starts by taking the database's write lock, so two processes opening an
 * empty database at once take turns instead of both reading "nothing applied".
 */
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Run in order inside the step's transaction. */
  readonly statements: readonly string[];
}

/** What differs between the databases when migrating. */
export interface MigrationDialect {
  /** Opens the transaction and takes the lock that serialises schema changes between processes. */
  readonly begin: readonly string[];
  /** The n-th (from 1) bound parameter. */
  readonly param: (n: number) => string;
  /**
   * SQLite only: stores that recorded their steps in `PRAGMA user_version` (the kiosk's, before
   * schema_migrations) count steps 1..user_version as applied, and the pragma keeps mirroring the
   * newest step so tools that read it still see the schema's version.
   */
  readonly userVersion: boolean;
}

export type Row = Record<string, unknown>;

/** One command for the driver; the answer fed back is the rows it returned. */
export interface Command {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

function* plan(dialect: MigrationDialect, migrations: readonly Migration[], at: string): Generator<Command, void, Row[]> {
  const run = (sql: string, params: readonly unknown[] = []): Command => ({ sql, params });
  for (const sql of dialect.begin) yield run(sql);
  yield run(TABLE);
  const applied = new Set((yield run('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  // Only a store from before schema_migrations counts by user_version: once steps are recorded,
  // the record is the truth, so a step skipped by an older build is still applied.
  if (dialect.userVersion && applied.size === 0) {
    const [row] = yield run('PRAGMA user_version');
    for (let v = 1; v <= Number(row?.user_version ?? 0); v++) applied.add(v);
  }
  for (const step of migrations) {
    if (applied.has(step.version)) continue;
    for (const sql of step.statements) yield run(sql);
    yield run(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${dialect.param(1)}, ${dialect.param(2)}, ${dialect.param(3)})`, [
      step.version,
      step.name,
      at,
    ]);
    if (dialect.userVersion) yield run(`PRAGMA user_version = ${step.version}`);
  }
  yield run('COMMIT');
}

const SQLITE: MigrationDialect = { begin: ['BEGIN IMMEDIATE'], param: () => '?', userVersion: true };

/** Brings an SQLite database (the kiosk's store or the centre's) up to date, in one transaction. */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[], at: string): void {
  const execute = ({ sql, params }: Command): Row[] => {
    const statement = db.prepare(sql);
    if (statement.reader) return statement.all(...params) as Row[];
    statement.run(...params);
    return [];
  };
  const steps = plan(SQLITE, migrations, at);
  try {
    for (let next = steps.next(); !next.done; next = steps.next(execute(next.value)));
  } catch (error) {
    // BEGIN itself may be what failed (the database is locked): then there is nothing to undo.
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** The same plan through an asynchronous driver (PostgreSQL); `execute` runs one command, returns its rows. */
export async function migrate(
  dialect: MigrationDialect,
  migrations: readonly Migration[],
  at: string,
  execute: (command: Command) => Promise<Row[]>,
): Promise<void> {
  const steps = plan(dialect, migrations, at);
  try {
    for (let next = steps.next(); !next.done; next = steps.next(await execute(next.value)));
  } catch (error) {
    // The connection is the caller's to drop; a failed ROLLBACK adds nothing to the first error.
    await execute({ sql: 'ROLLBACK', params: [] }).catch(() => undefined);
    throw error;
  }
}
