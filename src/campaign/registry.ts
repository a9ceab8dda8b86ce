/** The subscriber registry exported by the operator's customer system (CSV). */
import { isCalendarDate, type CalendarDate } from './calendar.js';
import { parseCsvTable } from './csv-table.js';
import { normalizeSerial } from '../pki/certificate.js';
import type { PaidOrder } from './orders.js';
import { isOrderedSubset, rowKey } from './export-rows.js';
import { KEY_ID_RE, normalizeKeyId } from '../pki/key-identifier.js';

export const SUBSCRIBER_STATUSES = ['active', 'revoked', 'suspended'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/**
 * What names an old certificate: the identifier of the CA key that issued it and its serial.
 * Waves of one CA name reuse serials; '' for a key not said (rows from before issuer keys).
 */
export interface CertificateKey {
  readonly issuerKeyId: string;
  readonly serial: string;
}

export interface SubscriberRecord {
  /** Lowercase hex, no leading zeros. */
  readonly serial: string;
  /**
   * The identifier of the old CA key that issued the certificate (lowercase hex, as certificates
   * name it in their AuthorityKeyIdentifier): waves reuse serials, so a row is the pair. Absent
   * when the export does not say: such a row stands for that serial under any CA key that has no
   * row of its own.
   */
  readonly issuerKeyId?: string;
  readonly taxCode: string;
  readonly contractEnd: CalendarDate;
  readonly status: SubscriberStatus;
  readonly province: string | null;
  /** The hardware version of the token sold with the certificate (v2, v4, v5 …), when the registry says. */
  readonly hardwareVersion?: string | null;
  /** The paid extension ordered for this certificate, imported from billing (orders.ts). */
  readonly paidOrder?: PaidOrder | null;
}

const REQUIRED = ['serial', 'taxCode', 'contractEnd', 'status'] as const;
/** Columns a registry export may add after the required ones, in this order. */
const OPTIONAL = ['province', 'hardwareVersion', 'issuerKeyId'] as const;
const HEX_RE = /^[0-9a-fA-F]+$/;

function rowProblem(row: Record<string, string>): string | null {
  if (!HEX_RE.test(row.serial ?? '')) return 'serial';
  if (!(row.taxCode ?? '').trim()) return 'taxCode';
  if (!isCalendarDate(row.contractEnd ?? '')) return 'contractEnd';
  if (!(SUBSCRIBER_STATUSES as readonly string[]).includes(row.status ?? '')) return 'status';
  if ((row.hardwareVersion ?? '').length > 40) return 'hardwareVersion';
  if (row.issuerKeyId && !KEY_ID_RE.test(row.issuerKeyId)) return 'issuerKeyId';
  return null;
}

/**
 * Parses the whole file or refuses it: one bad row refuses everything, and the error names every
 * bad line so the operator can fix the export in one go.
 */
export function parseRegistryCsv(text: string): SubscriberRecord[] {
  const seen = new Map<string, number>();
  return parseCsvTable(text, {
    code: 'REGISTRY_INVALID',
    header: (columns) => REQUIRED.every((c, i) => columns[i] === c) && isOrderedSubset(columns.slice(REQUIRED.length), OPTIONAL),
    row: (row, line) => {
      const problem = rowProblem(row);
      if (problem) return problem;
      const serial = normalizeSerial(row.serial!);
      const issuerKeyId = normalizeKeyId(row.issuerKeyId ?? '');
      const key = rowKey({ issuerKeyId, serial });
      const earlier = seen.get(key);
      if (earlier !== undefined) return `duplicate-of-line-${earlier}`;
      seen.set(key, line);
      return {
        serial,
        ...(issuerKeyId !== '' && { issuerKeyId }),
        taxCode: row.taxCode!.trim(),
        contractEnd: row.contractEnd!,
        status: row.status as SubscriberStatus,
        province: row.province?.trim() || null,
        ...('hardwareVersion' in row && { hardwareVersion: row.hardwareVersion?.trim() || null }),
      };
    },
  });
}
