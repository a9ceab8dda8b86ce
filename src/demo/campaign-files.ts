/** Writes a campaign file with its CA certificates, and a registry export, as an operator would. */
import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { SubscriberRecord } from '../campaign/registry.js';
import { x509 } from '../pki/x509.js';
import { buildPki, pem, type Authority, type Pki, type PkiDates } from './pki.js';

export interface CampaignDates {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly capDate: string;
  readonly issuedBefore: string;
  /** Written as it is: the file's `plan` (src/campaign/plan.ts). */
  readonly plan?: unknown;
}

/**
 * Returns the campaign file's path; the CA files sit beside it. A `stem` names the files
 * (`<stem>.json`, `<stem>-old-ca.pem` …) so several campaigns can share a directory, a campaign set.
 */
export function writeCampaignFiles(directory: string, pki: Pki, dates: CampaignDates, stem?: string): string {
  mkdirSync(directory, { recursive: true });
  const named = (file: string) => (stem ? `${stem}-${file}` : file);
  writeFileSync(join(directory, named('old-ca.pem')), pem(pki.oldCa.certificate));
  writeFileSync(join(directory, named('new-ca.pem')), pem(pki.newCa.certificate));
  const path = join(directory, stem ? `${stem}.json` : 'campaign.json');
  writeFileSync(path, `${JSON.stringify({ ...dates, oldCa: named('old-ca.pem'), newCa: named('new-ca.pem') }, null, 2)}\n`);
  return path;
}

export interface WrittenCampaign {
  readonly pki: Pki;
  readonly campaignPath: string;
  /** The new CA's private key as PEM, for a centre that issues in this world. */
  readonly newCaKeyPath: string;
}

/**
 * Builds a campaign's PKI and writes its file, CA certificates and the new CA's key; with a
 * `stem`, under names of their own, beside other campaigns of a set.
 */
export async function writeCampaign(directory: string, dates: CampaignDates, pkiDates: PkiDates, stem?: string): Promise<WrittenCampaign> {
  const pki = await buildPki(pkiDates);
  const campaignPath = writeCampaignFiles(directory, pki, dates, stem);
  const newCaKeyPath = join(directory, stem ? `${stem}-new-ca.key` : 'new-ca.key');
  await writeCaKey(newCaKeyPath, pki.newCa);
  return { pki, campaignPath, newCaKeyPath };
}

/** The CA's private key as PKCS#8 PEM, readable by its owner only. */
export async function writeCaKey(path: string, ca: Authority): Promise<void> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', ca.keys.privateKey);
  writeFileSync(path, x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), { mode: 0o600 });
}

/** The export's columns; hardwareVersion and issuerKeyId only when some row knows one. */
export function registryCsv(records: readonly SubscriberRecord[]): string {
  const versions = records.some((r) => r.hardwareVersion);
  const keys = records.some((r) => r.issuerKeyId);
  return stringify(
    records.map((r) => [
      r.serial, r.taxCode, r.contractEnd, r.status, r.province ?? '',
      ...(versions ? [r.hardwareVersion ?? ''] : []),
      ...(keys ? [r.issuerKeyId ?? ''] : []),
    ]),
    {
      header: true,
      columns: ['serial', 'taxCode', 'contractEnd', 'status', 'province', ...(versions ? ['hardwareVersion'] : []), ...(keys ? ['issuerKeyId'] : [])],
    },
  );
}
