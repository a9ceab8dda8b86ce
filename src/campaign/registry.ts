/** The subscriber registry exported by the operator's customer system (CSV). */
import { isCalendarDate, type CalendarDate } from './calendar.js';
import { parseCsvTable } from './csv-table.js';
import { normalizeSerial } from '../pki/certificate.js';
import type { PaidOrder } from './orders.js';

export const SUBSCRIBER_STATUSES = ['active', 'revoked', 'suspended'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export interface SubscriberRecord {
  /** Lowercase hex, no leading zeros. */
  readonly serial: string;
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
const OPTIONAL = ['province', 'hardwareVersion'] as const;
const HEX_RE = /^[0-9a-fA-F]+$/;

function rowProblem(row: Record<string, string>): string | null {
  if (!HEX_RE.test(row.serial ?? '')) return 'serial';
  if (!(row.taxCode ?? '').trim()) return 'taxCode';
  if (!isCalendarDate(row.contractEnd ?? '')) return 'contractEnd';
  if (!(SUBSCRIBER_STATUSES as readonly string[]).includes(row.status ?? '')) return 'status';
  if ((row.hardwareVersion ?? '').length > 40) return 'hardwareVersion';
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
    header: (columns) => {
      const optional: readonly string[] = OPTIONAL;
      const extra = columns.slice(REQUIRED.length).map((c) => optional.indexOf(c));
      return REQUIRED.every((c, i) => columns[i] === c) && extra.every((at, i) => at >= 0 && (i === 0 || at > extra[i - 1]!));
    },
    row: (row, line) => {
      const problem = rowProblem(row);
      if (problem) return problem;
      const serial = normalizeSerial(row.serial!);
      const earlier = seen.get(serial);
      if (earlier !== undefined) return `duplicate-of-line-${earlier}`;
      seen.set(serial, line);
      return {
        serial,
        taxCode: row.taxCode!.trim(),
        contractEnd: row.contractEnd!,
        status: row.status as SubscriberStatus,
        province: row.province?.trim() || null,
        ...('hardwareVersion' in row && { hardwareVersion: row.hardwareVersion?.trim() || null }),
      };
    },
  });
}
