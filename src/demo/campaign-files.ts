/** Writes a campaign file with its CA certificates, and a registry export, as an operator would. */
import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { SubscriberRecord } from '../campaign/registry.js';
import { x509 } from '../pki/x509.js';
import { pem, type Authority, type Pki } from './pki.js';

export interface CampaignDates {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly capDate: string;
  readonly issuedBefore: string;
  /** Written as it is: the file's `plan` (src/campaign/plan.ts). */
  readonly plan?: unknown;
}

/** Returns the campaign file's path; the CA files sit beside it. */
export function writeCampaignFiles(directory: string, pki: Pki, dates: CampaignDates): string {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'old-ca.pem'), pem(pki.oldCa.certificate));
  writeFileSync(join(directory, 'new-ca.pem'), pem(pki.newCa.certificate));
  const path = join(directory, 'campaign.json');
  writeFileSync(path, `${JSON.stringify({ ...dates, oldCa: 'old-ca.pem', newCa: 'new-ca.pem' }, null, 2)}\n`);
  return path;
}

/** The CA's private key as PKCS#8 PEM, readable by its owner only. */
export async function writeCaKey(path: string, ca: Authority): Promise<void> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', ca.keys.privateKey);
  writeFileSync(path, x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), { mode: 0o600 });
}

/** The export's columns; hardwareVersion only when some row knows one. */
export function registryCsv(records: readonly SubscriberRecord[]): string {
  const versions = records.some((r) => r.hardwareVersion);
  return stringify(
    records.map((r) => [r.serial, r.taxCode, r.contractEnd, r.status, r.province ?? '', ...(versions ? [r.hardwareVersion ?? ''] : [])]),
    { header: true, columns: ['serial', 'taxCode', 'contractEnd', 'status', 'province', ...(versions ? ['hardwareVersion'] : [])] },
  );
}
