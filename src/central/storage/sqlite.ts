/** The centre's store in one SQLite file (WAL mode), through better-sqlite3. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CapbuError } from '../../errors.js';
import type { SubscriberRecord } from '../../campaign/registry.js';
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
import type { CentralStore, IssuedRenewal, RefusalCount, RenewalCount } from './store.js';

function isConstraintViolation(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('SQLITE_CONSTRAINT');
}

function migrate(db: Database.Database, at: string): void {
  db.exec(MIGRATIONS_TABLE);
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => Number(r.version)));
  for (const step of MIGRATIONS) {
    if (done.has(step.version)) continue;
    db.transaction(() => {
      for (const sql of step.statements) db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(step.version, step.name, at);
    }).immediate();
  }
}

export function openSqliteStore(path: string, at: string): CentralStore {
  let db: Database.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db, at);
  } catch (error) {
    throw new CapbuError('CENTRAL_DB_FAILED', { db: path }, { cause: error });
  }

  const q = {
    subscriber: db.prepare('SELECT * FROM subscribers WHERE serial = ?'),
    allSubscribers: db.prepare('SELECT * FROM subscribers'),
    since: db.prepare('SELECT * FROM subscribers WHERE version > ? ORDER BY version, serial'),
    version: db.prepare("SELECT value FROM meta WHERE name = 'registry_version'"),
    setVersion: db.prepare("UPDATE meta SET value = ? WHERE name = 'registry_version'"),
    upsertSubscriber: db.prepare(
      `INSERT INTO subscribers (serial, tax_code, contract_end, status, province, version, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (serial) DO UPDATE SET tax_code = excluded.tax_code, contract_end = excluded.contract_end,
         status = excluded.status, province = excluded.province, version = excluded.version, updated_at = excluded.updated_at`,
    ),
    addCertificate: db.prepare('INSERT INTO certificates (serial, der, added_at) VALUES (?, ?, ?) ON CONFLICT (serial) DO NOTHING'),
    certificates: db.prepare('SELECT der FROM certificates ORDER BY serial'),
    addKiosk: db.prepare(
      `INSERT INTO kiosks (id, province, channel, enrolment_hash, enrolment_expires, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    revokeKiosk: db.prepare(
      'UPDATE kiosks SET revoked_at = COALESCE(revoked_at, ?), enrolment_hash = NULL WHERE id = ?',
    ),
    enroll: db.prepare(
      `UPDATE kiosks SET credential_hash = ?, enrolled_at = ?, enrolment_hash = NULL, enrolment_expires = NULL
       WHERE enrolment_hash = ? AND revoked_at IS NULL AND enrolment_expires > ? RETURNING *`,
    ),
    kiosk: db.prepare('SELECT * FROM kiosks WHERE id = ?'),
    kioskByEnrolment: db.prepare('SELECT * FROM kiosks WHERE enrolment_hash = ? AND revoked_at IS NULL AND enrolment_expires > ?'),
    renewalByKey: db.prepare('SELECT * FROM renewals WHERE kiosk_id = ? AND idempotency_key = ?'),
    renewalOf: db.prepare('SELECT * FROM renewals WHERE old_serial = ?'),
    saveRenewal: db.prepare(
      `INSERT INTO renewals (${RENEWAL_COLUMNS.join(', ')}) VALUES (${RENEWAL_COLUMNS.map(() => '?').join(', ')})`,
    ),
    refusalHash: db.prepare('SELECT request_hash FROM refusals WHERE kiosk_id = ? AND idempotency_key = ?'),
    saveRefusal: db.prepare(
      `INSERT INTO refusals (kiosk_id, idempotency_key, request_hash, old_serial, province, channel, hardware_version, refused_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    saveReason: db.prepare('INSERT INTO refusal_reasons (kiosk_id, idempotency_key, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    saveEvent: db.prepare(
      'INSERT INTO events (kiosk_id, sequence, type, at, data, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    renewalCounts: db.prepare(
      `SELECT province, channel, hardware_version, issued_day, COUNT(*) AS n FROM renewals
       GROUP BY province, channel, hardware_version, issued_day`,
    ),
    renewedSerials: db.prepare('SELECT old_serial FROM renewals'),
    refusalCounts: db.prepare(
      `SELECT f.province, f.channel, f.hardware_version, r.reason, COUNT(*) AS n
       FROM refusals f JOIN refusal_reasons r ON r.kiosk_id = f.kiosk_id AND r.idempotency_key = f.idempotency_key
       GROUP BY f.province, f.channel, f.hardware_version, r.reason`,
    ),
  };

  const importRegistry = db.transaction((records: readonly SubscriberRecord[], at: string) => {
    const existing = new Map((q.allSubscribers.all() as Row[]).map((r) => [String(r.serial), subscriberFromRow(r)]));
    const delta = registryDelta(existing, records);
    let version = Number((q.version.get() as Row).value);
    const changed = [...delta.added, ...delta.updated];
    if (changed.length > 0) {
      version += 1;
      q.setVersion.run(version);
      for (const r of changed) q.upsertSubscriber.run(r.serial, r.taxCode, r.contractEnd, r.status, r.province, version, at);
    }
    return { added: delta.added.length, updated: delta.updated.length, unchanged: delta.unchanged, version };
  });

  return {
    kind: 'sqlite',
    importRegistry: async (records, at) => importRegistry.immediate(records, at),
    subscriber: async (serial) => {
      const row = q.subscriber.get(serial) as Row | undefined;
      return row ? subscriberFromRow(row) : null;
    },
    registrySince: async (since) =>
      db.transaction(() => ({
        version: Number((q.version.get() as Row).value),
        rows: (q.since.all(since) as Row[]).map(subscriberFromRow),
      }))(),
    addCertificates: async (certificates, at) =>
      db.transaction(() => {
        let added = 0;
        for (const c of certificates) added += q.addCertificate.run(c.serial, Buffer.from(c.der).toString('base64'), at).changes;
        return { added, known: certificates.length - added };
      }).immediate(),
    certificates: async () => (q.certificates.all() as Row[]).map((r) => new Uint8Array(Buffer.from(String(r.der), 'base64'))),
    addKiosk: async (k) => {
      try {
        q.addKiosk.run(k.id, k.province, k.channel, k.enrolmentHash, k.enrolmentExpires, k.createdAt);
      } catch (error) {
        if (isConstraintViolation(error)) throw new CapbuError('KIOSK_EXISTS', { id: k.id });
        throw error;
      }
    },
    revokeKiosk: async (id, at) => q.revokeKiosk.run(at, id).changes > 0,
    kioskByEnrolment: async (enrolmentHash, at) => {
      const row = q.kioskByEnrolment.get(enrolmentHash, at) as Row | undefined;
      return row ? kioskFromRow(row) : null;
    },
    enroll: async (enrolmentHash, credentialHash, at) => {
      const row = q.enroll.get(credentialHash, at, enrolmentHash, at) as Row | undefined;
      return row ? kioskFromRow(row) : null;
    },
    kiosk: async (id) => {
      const row = q.kiosk.get(id) as Row | undefined;
      return row ? kioskFromRow(row) : null;
    },
    renewalByKey: async (kioskId, key) => {
      const row = q.renewalByKey.get(kioskId, key) as Row | undefined;
      return row ? renewalFromRow(row) : null;
    },
    renewalOf: async (oldSerial) => {
      const row = q.renewalOf.get(oldSerial) as Row | undefined;
      return row ? renewalFromRow(row) : null;
    },
    saveRenewal: async (renewal: IssuedRenewal) => {
      try {
        q.saveRenewal.run(...renewalValues(renewal));
        return 'saved';
      } catch (error) {
        if (isConstraintViolation(error)) return 'conflict';
        throw error;
      }
    },
    refusalHash: async (kioskId, key) => {
      const row = q.refusalHash.get(kioskId, key) as Row | undefined;
      return row ? String(row.request_hash) : null;
    },
    saveRefusal: async (f) =>
      db.transaction(() => {
        const inserted = q.saveRefusal.run(
          f.kioskId, f.idempotencyKey, f.requestHash, f.oldSerial, f.province, f.channel, f.hardwareVersion, f.refusedAt,
        ).changes;
        if (inserted) for (const reason of f.reasons) q.saveReason.run(f.kioskId, f.idempotencyKey, reason);
      }).immediate(),
    saveEvents: async (kioskId, events: readonly KioskEvent[], at) =>
      db.transaction(() => {
        let accepted = 0;
        for (const e of events) {
          accepted += q.saveEvent.run(kioskId, e.sequence, e.type, e.at, e.data === undefined ? null : JSON.stringify(e.data), at).changes;
        }
        return { accepted, duplicates: events.length - accepted };
      }).immediate(),
    renewalCounts: async () =>
      (q.renewalCounts.all() as Row[]).map(
        (r): RenewalCount => ({
          province: String(r.province),
          channel: String(r.channel),
          hardwareVersion: String(r.hardware_version),
          day: String(r.issued_day),
          count: Number(r.n),
        }),
      ),
    renewedSerials: async () => (q.renewedSerials.all() as Row[]).map((r) => String(r.old_serial)),
    refusalCounts: async () =>
      (q.refusalCounts.all() as Row[]).map(
        (r): RefusalCount => ({
          province: String(r.province),
          channel: String(r.channel),
          hardwareVersion: String(r.hardware_version),
          reason: String(r.reason),
          count: Number(r.n),
        }),
      ),
    close: async () => {
      db.close();
    },
  };
}
