/** The local snapshot of the subscriber registry, used to decide without the centre. */
import type { CertificateKey, SubscriberRecord, SubscriberStatus } from '../campaign/registry.js';
import { appendEvent, journaled } from './journal.js';
import type { Store } from './store.js';

interface Row {
  issuer_key: string;
  serial: string;
  tax_code: string;
  contract_end: string;
  status: string;
  province: string | null;
  hardware_version: string | null;
  order_id: string | null;
  paid_until: string | null;
  paid_at: string | null;
}

export interface ImportResult {
  readonly added: number;
  readonly updated: number;
}

/** A registry export loaded at this kiosk: the rows and their registry.imported event land whole or not at all. */
export function importRegistry(db: Store, records: readonly SubscriberRecord[], at: Date, operator: string | null): ImportResult {
  return journaled(db, () => {
    const result = upsertRegistry(db, records, at);
    appendEvent(db, { type: 'registry.imported', operator, data: { rows: records.length, ...result, version: null }, at });
    return result;
  });
}

/** Rows into the snapshot, in one transaction (the caller journals what brought them). */
export function upsertRegistry(db: Store, records: readonly SubscriberRecord[], at: Date): ImportResult {
  const exists = db.prepare('SELECT 1 FROM registry WHERE issuer_key = ? AND serial = ?').pluck();
  // A local export without the hardwareVersion column, or a row without an order, keeps nothing
  // of either: the centre's rows always say both.
  const upsert = db.prepare(
    `INSERT INTO registry (issuer_key, serial, tax_code, contract_end, status, province, updated_at, hardware_version, order_id, paid_until, paid_at)
     VALUES (@issuerKey, @serial, @taxCode, @contractEnd, @status, @province, @at, @hardwareVersion, @orderId, @paidUntil, @paidAt)
     ON CONFLICT(issuer_key, serial) DO UPDATE SET tax_code = excluded.tax_code, contract_end = excluded.contract_end,
       status = excluded.status, province = excluded.province, updated_at = excluded.updated_at,
       hardware_version = excluded.hardware_version, order_id = excluded.order_id,
       paid_until = excluded.paid_until, paid_at = excluded.paid_at`,
  );
  return db.transaction(() => {
    let added = 0;
    for (const r of records) {
      if (!exists.get(r.issuerKeyId ?? '', r.serial)) added++;
      upsert.run({
        issuerKey: r.issuerKeyId ?? '',
        serial: r.serial,
        taxCode: r.taxCode,
        contractEnd: r.contractEnd,
        status: r.status,
        province: r.province,
        at: at.toISOString(),
        hardwareVersion: r.hardwareVersion ?? null,
        orderId: r.paidOrder?.orderId ?? null,
        paidUntil: r.paidOrder?.paidUntil ?? null,
        paidAt: r.paidOrder?.paidAt ?? null,
      });
    }
    return { added, updated: records.length - added };
  })();
}

/** The row under the certificate's issuer key, else the one naming no key. */
export function findSubscriber(db: Store, key: CertificateKey): SubscriberRecord | null {
  const row = db
    .prepare(`SELECT * FROM registry WHERE serial = ? AND issuer_key IN (?, '') ORDER BY issuer_key DESC LIMIT 1`)
    .get(key.serial, key.issuerKeyId) as Row | undefined;
  if (!row) return null;
  return {
    serial: row.serial,
    ...(row.issuer_key !== '' && { issuerKeyId: row.issuer_key }),
    taxCode: row.tax_code,
    contractEnd: row.contract_end,
    status: row.status as SubscriberStatus,
    province: row.province,
    ...(row.hardware_version !== null && { hardwareVersion: row.hardware_version }),
    ...(row.order_id !== null && { paidOrder: { orderId: row.order_id, paidUntil: row.paid_until!, paidAt: row.paid_at } }),
  };
}

export interface RegistryCopy {
  /** The centre's registry version last pulled; 0 before the first pull. */
  readonly version: number;
  /** The last import or pull, or null while the copy is empty. */
  readonly updatedAt: Date | null;
}

export function registryCopy(db: Store): RegistryCopy {
  const row = db
    .prepare(
      `SELECT (SELECT version FROM registry_sync WHERE id = 1) AS version,
              (SELECT MAX(at) FROM (SELECT synced_at AS at FROM registry_sync UNION ALL SELECT updated_at FROM registry)) AS updated_at`,
    )
    .get() as { version: number | null; updated_at: string | null };
  return { version: row.version ?? 0, updatedAt: row.updated_at ? new Date(row.updated_at) : null };
}
