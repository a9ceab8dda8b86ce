/** Row <-> record mapping shared by both databases: their columns are the same. */
import type { SubscriberRecord, SubscriberStatus } from '../../campaign/registry.js';
import type { OrderRow } from '../../campaign/orders.js';
import { rowKey } from '../../campaign/export-rows.js';
import { parseCertificate } from '../../pki/certificate.js';
import { authorityKeyIdOf } from '../../pki/key-identifier.js';
import type { Channel } from '../api.js';
import type { Row } from '../../sql/migrate.js';
import type { CredentialRole, KioskRecord, RefusalCount, RenewalCount, IssuedRenewal, NewCertificate, UserRecord, UserRole } from './store.js';

export type { Row };

const text = (v: unknown): string => String(v);
const nullable = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function subscriberFromRow(r: Row): SubscriberRecord {
  return {
    serial: text(r.serial),
    ...(issuerKeyOf(r) !== '' && { issuerKeyId: issuerKeyOf(r) }),
    taxCode: text(r.tax_code),
    contractEnd: text(r.contract_end),
    status: text(r.status) as SubscriberStatus,
    province: nullable(r.province),
    // Only where known, so rows from before the rollout and orders read as they always did.
    ...(r.hardware_version != null && { hardwareVersion: text(r.hardware_version) }),
    ...(r.order_id != null && { paidOrder: { orderId: text(r.order_id), paidUntil: text(r.paid_until), paidAt: nullable(r.paid_at) } }),
  };
}

/** '' for a row that names no issuer key (one from before issuer keys, or an export that does not say). */
const issuerKeyOf = (r: Row): string => (r.issuer_key == null ? '' : text(r.issuer_key));

export function orderFromRow(r: Row): OrderRow {
  return {
    serial: text(r.serial),
    ...(issuerKeyOf(r) !== '' && { issuerKeyId: issuerKeyOf(r) }),
    orderId: text(r.order_id),
    paidUntil: text(r.paid_until),
    paidAt: nullable(r.paid_at),
  };
}

/** The values of upsertOrder, in its order. */
export function orderValues(o: OrderRow, at: string): unknown[] {
  return [o.issuerKeyId ?? '', o.serial, o.orderId, o.paidUntil, o.paidAt, at];
}

/** Which orders an import adds or changes, against what the store holds. */
export function orderDelta(existing: ReadonlyMap<string, OrderRow>, orders: readonly OrderRow[]): { added: OrderRow[]; updated: OrderRow[]; unchanged: number } {
  const added: OrderRow[] = [];
  const updated: OrderRow[] = [];
  for (const order of orders) {
    const before = existing.get(rowKey(order));
    if (!before) added.push(order);
    else if (before.orderId !== order.orderId || before.paidUntil !== order.paidUntil || before.paidAt !== order.paidAt) updated.push(order);
  }
  return { added, updated, unchanged: orders.length - added.length - updated.length };
}

/** The values of upsertSubscriber, in its order. */
export function subscriberValues(r: SubscriberRecord, version: number, at: string): unknown[] {
  return [r.issuerKeyId ?? '', r.serial, r.taxCode, r.contractEnd, r.status, r.province, version, at, r.hardwareVersion ?? null];
}

export function kioskFromRow(r: Row): KioskRecord {
  return {
    id: text(r.id),
    role: text(r.role) as CredentialRole,
    province: text(r.province),
    channel: text(r.channel) as Channel,
    credentialHash: nullable(r.credential_hash),
    enrolledAt: nullable(r.enrolled_at),
    revokedAt: nullable(r.revoked_at),
  };
}

export function userFromRow(r: Row): UserRecord {
  const provinces = text(r.provinces);
  return {
    name: text(r.name),
    role: text(r.role) as UserRole,
    provinces: provinces === '' ? [] : provinces.split(','),
    passwordHash: nullable(r.password_hash),
  };
}

/** Column order for inserts; the values come from renewalValues in the same order. */
export const RENEWAL_COLUMNS = [
  'issuer_key', 'old_serial', 'old_certificate_hash', 'kiosk_id', 'idempotency_key', 'request_hash', 'serial',
  'certificate', 'not_before', 'not_after', 'issued_at', 'issued_day', 'province', 'channel',
  'hardware_version', 'token_serial', 'token_manufacturer', 'token_model', 'operator',
] as const;

export function renewalValues(r: IssuedRenewal): string[] {
  return [
    r.issuerKeyId, r.oldSerial, r.oldCertificateHash, r.kioskId, r.idempotencyKey, r.requestHash, r.serial,
    r.certificate, r.notBefore, r.notAfter, r.issuedAt, r.issuedDay, r.province, r.channel,
    r.hardwareVersion, r.tokenSerial, r.tokenManufacturer, r.tokenModel, r.operator,
  ];
}

export function renewalFromRow(r: Row): IssuedRenewal {
  return {
    issuerKeyId: issuerKeyOf(r),
    oldSerial: text(r.old_serial),
    oldCertificateHash: text(r.old_certificate_hash),
    kioskId: text(r.kiosk_id),
    idempotencyKey: text(r.idempotency_key),
    requestHash: text(r.request_hash),
    serial: text(r.serial),
    certificate: text(r.certificate),
    notBefore: text(r.not_before),
    notAfter: text(r.not_after),
    issuedAt: text(r.issued_at),
    issuedDay: text(r.issued_day),
    province: text(r.province),
    channel: text(r.channel),
    hardwareVersion: text(r.hardware_version),
    tokenSerial: text(r.token_serial),
    tokenManufacturer: text(r.token_manufacturer),
    tokenModel: text(r.token_model),
    operator: text(r.operator),
  };
}

/** Which registry rows an import adds or changes, against what the store holds. */
export function registryDelta(
  existing: ReadonlyMap<string, SubscriberRecord>,
  records: readonly SubscriberRecord[],
): { added: SubscriberRecord[]; updated: SubscriberRecord[]; unchanged: number } {
  const added: SubscriberRecord[] = [];
  const updated: SubscriberRecord[] = [];
  let unchanged = 0;
  for (const given of records) {
    const before = existing.get(rowKey(given));
    // An export without the hardwareVersion column keeps what the store knows.
    const record = given.hardwareVersion === undefined && before?.hardwareVersion ? { ...given, hardwareVersion: before.hardwareVersion } : given;
    if (!before) added.push(record);
    else if (
      before.taxCode !== record.taxCode ||
      before.contractEnd !== record.contractEnd ||
      before.status !== record.status ||
      before.province !== record.province ||
      (before.hardwareVersion ?? null) !== (record.hardwareVersion ?? null)
    )
      updated.push(record);
    else unchanged++;
  }
  return { added, updated, unchanged };
}

export function renewalCountFromRow(r: Row): RenewalCount {
  return {
    province: text(r.province),
    channel: text(r.channel),
    hardwareVersion: text(r.hardware_version),
    day: text(r.issued_day),
    count: Number(r.n),
  };
}

export function refusalCountFromRow(r: Row): RefusalCount {
  return {
    province: text(r.province),
    channel: text(r.channel),
    hardwareVersion: text(r.hardware_version),
    reason: text(r.reason),
    count: Number(r.n),
  };
}

/** The values of addCertificate, in its order: kept under the key their AuthorityKeyIdentifier names. */
export function certificateValues(c: NewCertificate, at: string): unknown[] {
  return [c.issuerKeyId ?? authorityKeyIdOf(parseCertificate(c.der)), c.serial, Buffer.from(c.der).toString('base64'), at];
}

/** Certificates are kept as base64 DER text in both databases. */
export const derFromRow = (r: Row): Uint8Array => new Uint8Array(Buffer.from(text(r.der), 'base64'));

/** The values of countAttempt, in its order: an attempt's window has ended once it started `windowMs` ago. */
export function attemptValues(key: string, at: string, windowMs: number): string[] {
  const ended = new Date(Date.parse(at) - windowMs).toISOString();
  return [key, at, ended, ended];
}

export const attemptFromRow = (r: Row): { count: number; windowStart: string } => ({ count: Number(r.n), windowStart: text(r.window_start) });
