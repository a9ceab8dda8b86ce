/**
 * The renewal journal. Each step is recorded before the next one starts, so whatever point a
 * renewal dies at, the next run knows what the centre and the token may already hold.
 */
import type { RenewalRequest } from '../central/api.js';
import type { Store } from './store.js';

/**
 * requested: the request (with its idempotency key) is saved, the centre may or may not have it;
 * queued: the centre could not be reached, `capbu sync` or the next renewal sends it;
 * issued: the checked new certificate is here, not yet on the token;
 * writing: the token is being written; written: the new certificate is on the token and verified,
 * the old one may still be there; done: the old certificate object is gone.
 */
export const RENEWAL_STATES = ['requested', 'queued', 'issued', 'writing', 'written', 'done'] as const;
export type RenewalState = (typeof RENEWAL_STATES)[number];

export interface RenewalRecord {
  readonly id: number;
  readonly idempotencyKey: string;
  readonly tokenSerial: string;
  readonly oldSerial: string;
  readonly oldCertificate: Buffer;
  readonly request: RenewalRequest;
  readonly renewalNotAfter: Date;
  readonly state: RenewalState;
  readonly newSerial: string | null;
  readonly newCertificate: Buffer | null;
  /** CKA_ID of the customer's private key on the token. */
  readonly keyId: Buffer | null;
  /** When the state last changed: for a `done` renewal, when it was finished. */
  readonly updatedAt: Date;
}

interface Row {
  id: number;
  idempotency_key: string;
  token_serial: string;
  old_serial: string;
  old_certificate: Buffer;
  request: string;
  renewal_not_after: string;
  state: RenewalState;
  new_serial: string | null;
  new_certificate: Buffer | null;
  key_id: Buffer | null;
  updated_at: string;
}

function toRecord(row: Row | undefined): RenewalRecord | null {
  if (!row) return null;
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    tokenSerial: row.token_serial,
    oldSerial: row.old_serial,
    oldCertificate: row.old_certificate,
    request: JSON.parse(row.request) as RenewalRequest,
    renewalNotAfter: new Date(row.renewal_not_after),
    state: row.state,
    newSerial: row.new_serial,
    newCertificate: row.new_certificate,
    keyId: row.key_id,
    updatedAt: new Date(row.updated_at),
  };
}

export interface NewRenewal {
  readonly tokenSerial: string;
  readonly oldSerial: string;
  readonly oldCertificate: Uint8Array;
  readonly request: RenewalRequest;
  readonly renewalNotAfter: Date;
  readonly keyId: Buffer;
}

export function beginRenewal(db: Store, renewal: NewRenewal, at: Date): RenewalRecord {
  const info = db
    .prepare(
      `INSERT INTO renewals (idempotency_key, token_serial, old_serial, old_certificate, request, renewal_not_after,
         key_id, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)`,
    )
    .run(
      renewal.request.idempotencyKey,
      renewal.tokenSerial,
      renewal.oldSerial,
      Buffer.from(renewal.oldCertificate),
      JSON.stringify(renewal.request),
      renewal.renewalNotAfter.toISOString(),
      renewal.keyId,
      at.toISOString(),
      at.toISOString(),
    );
  return renewalById(db, Number(info.lastInsertRowid))!;
}

export function renewalById(db: Store, id: number): RenewalRecord | null {
  return toRecord(db.prepare('SELECT * FROM renewals WHERE id = ?').get(id) as Row | undefined);
}

/** The renewal of an old certificate, or of the one that replaced it. */
export function renewalFor(db: Store, serials: readonly string[]): RenewalRecord | null {
  for (const serial of serials) {
    const row = db.prepare('SELECT * FROM renewals WHERE old_serial = ? OR new_serial = ?').get(serial, serial) as Row | undefined;
    if (row) return toRecord(row);
  }
  return null;
}

/** Requests the centre has not answered yet, oldest first. */
export function unansweredRenewals(db: Store): RenewalRecord[] {
  const rows = db.prepare(`SELECT * FROM renewals WHERE state IN ('requested', 'queued') ORDER BY id`).all() as Row[];
  return rows.map((r) => toRecord(r)!);
}

export function setRenewalState(db: Store, id: number, state: RenewalState, at: Date): void {
  db.prepare('UPDATE renewals SET state = ?, updated_at = ? WHERE id = ?').run(state, at.toISOString(), id);
}

export function recordIssued(db: Store, id: number, serial: string, certificate: Uint8Array, at: Date): void {
  db.prepare(`UPDATE renewals SET state = 'issued', new_serial = ?, new_certificate = ?, updated_at = ? WHERE id = ?`).run(
    serial,
    Buffer.from(certificate),
    at.toISOString(),
    id,
  );
}

/** The centre refused: nothing was issued, so the attempt leaves no trace that would block another. */
export function dropRenewal(db: Store, id: number): void {
  db.prepare(`DELETE FROM renewals WHERE id = ? AND state IN ('requested', 'queued')`).run(id);
}

/** When a renewal last moved a step: for a finished one, when it was done. */
export function renewalUpdatedAt(db: Store, id: number): Date | null {
  const at = db.prepare('SELECT updated_at FROM renewals WHERE id = ?').pluck().get(id) as string | undefined;
  return at ? new Date(at) : null;
}
