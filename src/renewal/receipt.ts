/** The customer's receipt, and the portals where the new certificate must now be registered. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateFacts } from '../pki/certificate.js';
import { nameField } from '../pki/names.js';
import { isoUtc } from '../inspection/json.js';
import type { Grant } from '../campaign/decide.js';

/** Tax, customs (usable for clearance 24 hours after the update), social insurance, one-stop, public services. */
export const PORTALS = ['tax', 'customs', 'social-insurance', 'one-stop', 'public-services'] as const;
export type Portal = (typeof PORTALS)[number];

export interface Receipt {
  readonly company: string;
  readonly taxCode: string | null;
  readonly oldSerial: string;
  readonly newSerial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly kiosk: string;
  readonly operator: string;
  readonly at: string;
  readonly portals: readonly Portal[];
  /** Days granted free as compensation, to the end of the contract (capped by the new CA). */
  readonly compensation: { readonly days: number; readonly until: string } | null;
  /** Days from the paid extension order, with its id; null without one. */
  readonly paidExtension: { readonly orderId: string; readonly days: number; readonly paidUntil: string; readonly cappedDays: number } | null;
}

export function buildReceipt(old: CertificateFacts, issued: CertificateFacts, kiosk: string, operator: string, at: Date, grant: Grant | null = null): Receipt {
  return {
    company: nameField(old.subjectDer, '2.5.4.3') ?? nameField(old.subjectDer, '2.5.4.10') ?? old.subject,
    taxCode: old.taxCode,
    oldSerial: old.serial,
    newSerial: issued.serial,
    notBefore: isoUtc(issued.notBefore),
    notAfter: isoUtc(issued.notAfter),
    kiosk,
    operator,
    at: isoUtc(at),
    portals: PORTALS,
    compensation: grant && { days: grant.compensationDays, until: isoUtc(grant.compensationNotAfter) },
    paidExtension: grant?.paid ? { orderId: grant.paid.orderId, days: grant.paid.days, paidUntil: grant.paid.paidUntil, cappedDays: grant.paid.cappedDays } : null,
  };
}

/** Saved under receipts/ in the data directory; returns the file's path. */
export function saveReceipt(dataDir: string, receipt: Receipt): string {
  const directory = join(dataDir, 'receipts');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, `${receipt.at.replace(/[:]/g, '')}-${receipt.newSerial}.json`);
  writeFileSync(path, `${JSON.stringify(receipt, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
