/** The centre's store in PostgreSQL, through pg: the same schema and rules as the SQLite store. */
import pg from 'pg';
import { CapbuError } from '../../errors.js';
import type { KioskEvent } from '../api.js';
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations.js';
import {
  kioskFromRow,
  registryDelta,
  renewalFromRow,
  renewalValues,
  RENEWAL_COLUMNS,
  subscriberFromRow,
  type Row,
} from './rows.js';
import type { CentralStore, RefusalCount, RenewalCount } from './store.js';

/** Serialises schema changes between centre processes starting at once. */
const MIGRATION_LOCK = 0x63617062;

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

/** The URL without its password, for error messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function migrate(pool: pg.Pool, at: string): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query(MIGRATIONS_TABLE);
    const done = new Set((await c.query('SELECT version FROM schema_migrations')).rows.map((r: Row) => Number(r.version)));
    for (const step of MIGRATIONS) {
      if (done.has(step.version)) continue;
      for (const sql of step.statements) await c.query(sql);
      await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [step.version, step.name, at]);
    }
  });
}

const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

export async function openPostgresStore(url: string, at: string): Promise<CentralStore> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client's connection dropping must not take the process down; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, at);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new CapbuError('CENTRAL_DB_FAILED', { db: redactUrl(url) }, { cause: error });
  }
  const one = async (sql: string, params: unknown[]): Promise<Row | null> => (await pool.query(sql, params)).rows[0] ?? null;

  return {
    kind: 'postgres',
    importRegistry: (records, at) =>
      inTransaction(pool, async (c) => {
        // Two imports at once would both read the same version: the row lock makes them take turns.
        const version0 = Number((await c.query("SELECT value FROM meta WHERE name = 'registry_version' FOR UPDATE")).rows[0].value);
        const existing = new Map((await c.query('SELECT * FROM subscribers')).rows.map((r: Row) => [String(r.serial), subscriberFromRow(r)]));
        const delta = registryDelta(existing, records);
        const changed = [...delta.added, ...delta.updated];
        let version = version0;
        if (changed.length > 0) {
          version += 1;
          await c.query("UPDATE meta SET value = $1 WHERE name = 'registry_version'", [version]);
          for (const r of changed) {
            await c.query(
              `INSERT INTO subscribers (serial, tax_code, contract_end, status, province, version, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (serial) DO UPDATE SET tax_code = excluded.tax_code, contract_end = excluded.contract_end,
                 status = excluded.status, province = excluded.province, version = excluded.version, updated_at = excluded.updated_at`,
              [r.serial, r.taxCode, r.contractEnd, r.status, r.province, version, at],
            );
          }
        }
        return { added: delta.added.length, updated: delta.updated.length, unchanged: delta.unchanged, version };
      }),
    subscriber: async (serial) => {
      const row = await one('SELECT * FROM subscribers WHERE serial = $1', [serial]);
      return row ? subscriberFromRow(row) : null;
    },
    registrySince: (since) =>
      inTransaction(pool, async (c) => {
        await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        const version = Number((await c.query("SELECT value FROM meta WHERE name = 'registry_version'")).rows[0].value);
        const rows = (await c.query('SELECT * FROM subscribers WHERE version > $1 ORDER BY version, serial', [since])).rows;
        return { version, rows: rows.map(subscriberFromRow) };
      }),
    addCertificates: (certificates, at) =>
      inTransaction(pool, async (c) => {
        let added = 0;
        for (const cert of certificates) {
          const r = await c.query('INSERT INTO certificates (serial, der, added_at) VALUES ($1, $2, $3) ON CONFLICT (serial) DO NOTHING', [
            cert.serial,
            Buffer.from(cert.der).toString('base64'),
            at,
          ]);
          added += r.rowCount ?? 0;
        }
        return { added, known: certificates.length - added };
      }),
    certificates: async () =>
      (await pool.query('SELECT der FROM certificates ORDER BY serial')).rows.map(
        (r: Row) => new Uint8Array(Buffer.from(String(r.der), 'base64')),
      ),
    addKiosk: async (k) => {
      try {
        await pool.query(
          'INSERT INTO kiosks (id, province, channel, enrolment_hash, enrolment_expires, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [k.id, k.province, k.channel, k.enrolmentHash, k.enrolmentExpires, k.createdAt],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new CapbuError('KIOSK_EXISTS', { id: k.id });
        throw error;
      }
    },
    revokeKiosk: async (id, at) =>
      ((await pool.query('UPDATE kiosks SET revoked_at = COALESCE(revoked_at, $1), enrolment_hash = NULL WHERE id = $2', [at, id]))
        .rowCount ?? 0) > 0,
    kioskByEnrolment: async (enrolmentHash, at) => {
      const row = await one('SELECT * FROM kiosks WHERE enrolment_hash = $1 AND revoked_at IS NULL AND enrolment_expires > $2', [
        enrolmentHash,
        at,
      ]);
      return row ? kioskFromRow(row) : null;
    },
    enroll: async (enrolmentHash, credentialHash, at) => {
      const row = await one(
        `UPDATE kiosks SET credential_hash = $1, enrolled_at = $2, enrolment_hash = NULL, enrolment_expires = NULL
         WHERE enrolment_hash = $3 AND revoked_at IS NULL AND enrolment_expires > $2 RETURNING *`,
        [credentialHash, at, enrolmentHash],
      );
      return row ? kioskFromRow(row) : null;
    },
    kiosk: async (id) => {
      const row = await one('SELECT * FROM kiosks WHERE id = $1', [id]);
      return row ? kioskFromRow(row) : null;
    },
    renewalByKey: async (kioskId, key) => {
      const row = await one('SELECT * FROM renewals WHERE kiosk_id = $1 AND idempotency_key = $2', [kioskId, key]);
      return row ? renewalFromRow(row) : null;
    },
    renewalOf: async (oldSerial) => {
      const row = await one('SELECT * FROM renewals WHERE old_serial = $1', [oldSerial]);
      return row ? renewalFromRow(row) : null;
    },
    saveRenewal: async (renewal) => {
      try {
        await pool.query(
          `INSERT INTO renewals (${RENEWAL_COLUMNS.join(', ')}) VALUES (${placeholders(RENEWAL_COLUMNS.length)})`,
          renewalValues(renewal),
        );
        return 'saved';
      } catch (error) {
        if (isUniqueViolation(error)) return 'conflict';
        throw error;
      }
    },
    refusalHash: async (kioskId, key) => {
      const row = await one('SELECT request_hash FROM refusals WHERE kiosk_id = $1 AND idempotency_key = $2', [kioskId, key]);
      return row ? String(row.request_hash) : null;
    },
    saveRefusal: (f) =>
      inTransaction(pool, async (c) => {
        const r = await c.query(
          `INSERT INTO refusals (kiosk_id, idempotency_key, request_hash, old_serial, province, channel, hardware_version, refused_at)
           VALUES (${placeholders(8)}) ON CONFLICT DO NOTHING`,
          [f.kioskId, f.idempotencyKey, f.requestHash, f.oldSerial, f.province, f.channel, f.hardwareVersion, f.refusedAt],
        );
        if (!r.rowCount) return;
        for (const reason of f.reasons) {
          await c.query('INSERT INTO refusal_reasons (kiosk_id, idempotency_key, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
            f.kioskId,
            f.idempotencyKey,
            reason,
          ]);
        }
      }),
    saveEvents: (kioskId, events: readonly KioskEvent[], at) =>
      inTransaction(pool, async (c) => {
        let accepted = 0;
        for (const e of events) {
          const r = await c.query(
            'INSERT INTO events (kiosk_id, sequence, type, at, data, received_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
            [kioskId, e.sequence, e.type, e.at, e.data === undefined ? null : JSON.stringify(e.data), at],
          );
          accepted += r.rowCount ?? 0;
        }
        return { accepted, duplicates: events.length - accepted };
      }),
    renewalCounts: async () =>
      (
        await pool.query(
          `SELECT province, channel, hardware_version, issued_day, COUNT(*) AS n FROM renewals
           GROUP BY province, channel, hardware_version, issued_day`,
        )
      ).rows.map(
        (r: Row): RenewalCount => ({
          province: String(r.province),
          channel: String(r.channel),
          hardwareVersion: String(r.hardware_version),
          day: String(r.issued_day),
          count: Number(r.n),
        }),
      ),
    renewedSerials: async () => (await pool.query('SELECT old_serial FROM renewals')).rows.map((r: Row) => String(r.old_serial)),
    refusalCounts: async () =>
      (
        await pool.query(
          `SELECT f.province, f.channel, f.hardware_version, r.reason, COUNT(*) AS n
           FROM refusals f JOIN refusal_reasons r ON r.kiosk_id = f.kiosk_id AND r.idempotency_key = f.idempotency_key
           GROUP BY f.province, f.channel, f.hardware_version, r.reason`,
        )
      ).rows.map(
        (r: Row): RefusalCount => ({
          province: String(r.province),
          channel: String(r.channel),
          hardwareVersion: String(r.hardware_version),
          reason: String(r.reason),
          count: Number(r.n),
        }),
      ),
    close: () => pool.end(),
  };
}
