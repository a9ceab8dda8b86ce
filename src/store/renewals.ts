/**
 * The renewal journal. Each step is recorded before the next one starts, so whatever point a
 * renewal dies at, the next run knows what the centre and the token may already hold.
 */
import type { RenewalRequest } from '../central/api.js';
import { appendEvent, journaled, type Backlog } from './journal.js';
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
  readonly newNotAfter: Date | null;
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
  new_not_after: string | null;
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
    newNotAfter: row.new_not_after ? new Date(row.new_not_after) : null,
  };
}

export interface NewRenewal {
  readonly tokenSerial: string;
  readonly oldSerial: string;
  readonly oldCertificate: Uint8Array;
  readonly request: RenewalRequest;
  readonly renewalNotAfter: Date;
  readonly keyId: Buffer;
  /** The campaign the decision named, for the journal. */
  readonly campaign: string;
}

/** Saves the request and journals renewal.requested with it. */
export function beginRenewal(db: Store, renewal: NewRenewal, at: Date): RenewalRecord {
  return journaled(db, () => {
    const id = insertRenewal(db, renewal, at);
    const { tokenSerial, oldSerial, request, campaign } = renewal;
    appendEvent(db, {
      type: 'renewal.requested',
      operator: request.operator,
      data: { tokenSerial, oldSerial, idempotencyKey: request.idempotencyKey, hardwareVersion: request.token.hardwareVersion, campaign },
      at,
    });
    return renewalById(db, id)!;
  });
}

function insertRenewal(db: Store, renewal: NewRenewal, at: Date): number {
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
  return Number(info.lastInsertRowid);
}

export function renewalById(db: Store, id: number): RenewalRecord | null {
  return toRecord(db.prepare('SELECT * FROM renewals WHERE id = ?').get(id) as Row | undefined);
}

/**
 * The renewal of an old certificate, or of the one that replaced it, by the certificates' bytes:
 * waves of one CA name reuse serials, so a serial alone could name another wave's certificate.
 */
export function renewalFor(db: Store, certificates: readonly Uint8Array[]): RenewalRecord | null {
  const find = db.prepare('SELECT * FROM renewals WHERE old_certificate = ? OR new_certificate = ?');
  for (const der of certificates) {
    const bytes = Buffer.from(der);
    const row = find.get(bytes, bytes) as Row | undefined;
    if (row) return toRecord(row);
  }
  return null;
}

/** How many requests wait for the centre's answer, and since when. */
export function renewalBacklog(db: Store): Backlog {
  const row = db.prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM renewals WHERE state IN ('requested', 'queued')`).get() as {
    n: number;
    oldest: string | null;
  };
  return { count: row.n, oldestAt: row.oldest ? new Date(row.oldest) : null };
}

/** Requests the centre has not answered yet, oldest first. */
export function unansweredRenewals(db: Store): RenewalRecord[] {
  const rows = db.prepare(`SELECT * FROM renewals WHERE state IN ('requested', 'queued') ORDER BY id`).all() as Row[];
  return rows.map((r) => toRecord(r)!);
}

/**
 * Moves a renewal on. Going offline (first time only) and finishing on the token are journaled
 * with the move; the steps between are the renewal's own bookkeeping.
 */
export function setRenewalState(db: Store, id: number, state: RenewalState, at: Date): void {
  journaled(db, () => {
    const before = renewalById(db, id);
    db.prepare('UPDATE renewals SET state = ?, updated_at = ? WHERE id = ?').run(state, at.toISOString(), id);
    if (!before || before.state === state) return;
    const operator = before.request.operator;
    if (state === 'queued') {
      appendEvent(db, { type: 'renewal.queued', operator, data: { oldSerial: before.oldSerial, idempotencyKey: before.idempotencyKey }, at });
    } else if (state === 'done') {
      const data = {
        tokenSerial: before.tokenSerial,
        oldSerial: before.oldSerial,
        newSerial: before.newSerial ?? '',
        notAfter: before.newNotAfter?.toISOString() ?? '',
      };
      appendEvent(db, { type: 'renewal.installed', operator, data, at });
    }
  });
}

export function recordIssued(
  db: Store,
  id: number,
  issued: { readonly serial: string; readonly notAfter: Date },
  certificate: Uint8Array,
  at: Date,
): void {
  journaled(db, () => {
    db.prepare(
      `UPDATE renewals SET state = 'issued', new_serial = ?, new_certificate = ?, new_not_after = ?, updated_at = ? WHERE id = ?`,
    ).run(issued.serial, Buffer.from(certificate), issued.notAfter.toISOString(), at.toISOString(), id);
    const record = renewalById(db, id)!;
    appendEvent(db, {
      type: 'renewal.issued',
      operator: record.request.operator,
      data: { oldSerial: record.oldSerial, newSerial: issued.serial, notAfter: issued.notAfter.toISOString() },
      at,
    });
  });
}

/**
 * The centre refused (`code`): nothing was issued, so the attempt leaves no row that would block
 * another, only its renewal.failed event.
 */
export function dropRenewal(db: Store, id: number, code: string, at: Date): void {
  journaled(db, () => {
    const record = renewalById(db, id);
    const dropped = db.prepare(`DELETE FROM renewals WHERE id = ? AND state IN ('requested', 'queued')`).run(id).changes;
    if (record && dropped) {
      appendEvent(db, { type: 'renewal.failed', operator: record.request.operator, data: { oldSerial: record.oldSerial, code }, at });
    }
  });
}

/** When a renewal last moved a step: for a finished one, when it was done. */
export function renewalUpdatedAt(db: Store, id: number): Date | null {
  const at = db.prepare('SELECT updated_at FROM renewals WHERE id = ?').pluck().get(id) as string | undefined;
  return at ? new Date(at) : null;
}
