/** The centre's store in one SQLite file (WAL mode), through better-sqlite3. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CapbuError } from '../../errors.js';
import type { SubscriberRecord } from '../../campaign/registry.js';
import { migrateSqlite, type Command } from '../../sql/migrate.js';
import { decisionFromRow, kioskChainsPlan, refusalDecision, runPlanSync, saveEventsPlan } from './event-chain.js';
import { MIGRATIONS } from './migrations.js';
import {
  derFromRow,
  kioskFromRow,
  refusalCountFromRow,
  registryDelta,
  renewalCountFromRow,
  renewalFromRow,
  renewalValues,
  subscriberFromRow,
  type Row,
} from './rows.js';
import { SQLITE, statements, type StatementName } from './statements.js';
import type { CentralStore, IssuedRenewal } from './store.js';

export function openSqliteStore(path: string, at: string): CentralStore {
  let db: Database.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrateSqlite(db, MIGRATIONS, at);
  } catch (error) {
    throw new CapbuError('CENTRAL_DB_FAILED', { db: path }, { cause: error });
  }

  const sql = statements(SQLITE);
  const prepared = new Map<string, Database.Statement>();
  /** Runs one command of a plan (event-chain.ts), each text prepared once. */
  const execute = ({ sql: text, params }: Command): Row[] => {
    let statement = prepared.get(text);
    if (!statement) prepared.set(text, (statement = db.prepare(text)));
    if (statement.reader) return statement.all(...params) as Row[];
    statement.run(...params);
    return [];
  };
  const q = Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, db.prepare(text)])) as Record<
    StatementName,
    Database.Statement
  >;

  const importRegistry = db.transaction((records: readonly SubscriberRecord[], at: string) => {
    const existing = new Map((q.allSubscribers.all() as Row[]).map((r) => [String(r.serial), subscriberFromRow(r)]));
    const delta = registryDelta(existing, records);
    let version = Number((q.registryVersionForUpdate.get() as Row).value);
    const changed = [...delta.added, ...delta.updated];
    if (changed.length > 0) {
      version += 1;
      q.setRegistryVersion.run(version);
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
        version: Number((q.registryVersion.get() as Row).value),
        rows: (q.subscribersSince.all(since) as Row[]).map(subscriberFromRow),
      }))(),
    addCertificates: async (certificates, at) =>
      db.transaction(() => {
        let added = 0;
        for (const c of certificates) added += q.addCertificate.run(c.serial, Buffer.from(c.der).toString('base64'), at).changes;
        return { added, known: certificates.length - added };
      }).immediate(),
    certificates: async () => (q.certificates.all() as Row[]).map(derFromRow),
    addKiosk: async (k) => {
      try {
        q.addKiosk.run(k.id, k.province, k.channel, k.enrolmentHash, k.enrolmentExpires, k.createdAt);
      } catch (error) {
        if (SQLITE.isUniqueViolation(error)) throw new CapbuError('KIOSK_EXISTS', { id: k.id });
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
        if (SQLITE.isUniqueViolation(error)) return 'conflict';
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
        if (!inserted) return;
        for (const reason of f.reasons) q.saveRefusalReason.run(f.kioskId, f.idempotencyKey, reason);
        q.saveDecision.run(...refusalDecision(f));
      }).immediate(),
    saveEvents: async (kioskId, events, at, quota) =>
      db.transaction(() => runPlanSync(saveEventsPlan(sql, kioskId, events, at, quota), execute)).immediate(),
    kioskSeen: async (kioskId, at) => {
      q.kioskSeen.run(at, kioskId);
    },
    kioskChains: async () => db.transaction(() => runPlanSync(kioskChainsPlan(sql), execute))(),
    decisions: async () => (q.decisions.all() as Row[]).map(decisionFromRow),
    renewalCounts: async () => (q.renewalCounts.all() as Row[]).map(renewalCountFromRow),
    renewedSerials: async () => (q.renewedSerials.all() as Row[]).map((r) => String(r.old_serial)),
    refusalCounts: async () => (q.refusalCounts.all() as Row[]).map(refusalCountFromRow),
    close: async () => {
      db.close();
    },
  };
}
