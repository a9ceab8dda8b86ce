/**
 * Paid extension orders ("gia hạn") exported by the billing system as CSV
 * `serial,orderId,paidUntil[,paidAt]`: a customer who pays for more time gets it on the same
 * renewal as the free compensation ("cấp bù + gia hạn").
 */
import { isCalendarDate, type CalendarDate } from './calendar.js';
import { parseCsvTable } from './csv-table.js';
import { normalizeSerial } from '../pki/certificate.js';

export interface PaidOrder {
  /** The billing system's order id, printed on the receipt. */
  readonly orderId: string;
  /** The last day the customer paid for, in the campaign's zone. */
  readonly paidUntil: CalendarDate;
  /** When it was paid (ISO 8601), when billing says. */
  readonly paidAt: string | null;
}

export interface OrderRow extends PaidOrder {
  /** The old certificate's serial: lowercase hex, no leading zeros. */
  readonly serial: string;
}

/** What is wrong with a row, as `ORDERS_INVALID`'s `lines` say it: `<line>:<problem>`. */
export const ORDER_PROBLEMS = ['csv', 'header', 'columns', 'serial', 'orderId', 'paidUntil', 'paidAt', 'duplicate'] as const;

const HEADER = ['serial', 'orderId', 'paidUntil'] as const;
const HEX_RE = /^[0-9a-fA-F]{1,40}$/;
const ORDER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;
/** ISO 8601 with a zone: billing's timestamps are instants. */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function rowProblem(serial: string, orderId: string, paidUntil: string, paidAt: string): string | null {
  if (!HEX_RE.test(serial)) return 'serial';
  if (!ORDER_ID_RE.test(orderId)) return 'orderId';
  if (!isCalendarDate(paidUntil)) return 'paidUntil';
  if (paidAt !== '' && (!INSTANT_RE.test(paidAt) || Number.isNaN(Date.parse(paidAt)))) return 'paidAt';
  return null;
}

/** The whole file or nothing: ORDERS_INVALID names every bad line (1-based) and what is wrong with it. */
export function parseOrdersCsv(text: string): OrderRow[] {
  const seen = new Set<string>();
  return parseCsvTable(text, {
    code: 'ORDERS_INVALID',
    header: (columns) => HEADER.every((c, i) => columns[i] === c) && (columns.length === 3 || (columns.length === 4 && columns[3] === 'paidAt')),
    row: ({ serial = '', orderId = '', paidUntil = '', paidAt = '' }) => {
      const problem = rowProblem(serial, orderId, paidUntil, paidAt);
      if (problem) return problem;
      const key = normalizeSerial(serial);
      // One order per certificate: two in one file is a billing export to fix, not to guess at.
      if (seen.has(key)) return 'duplicate';
      seen.add(key);
      return { serial: key, orderId, paidUntil, paidAt: paidAt === '' ? null : new Date(paidAt).toISOString() };
    },
  });
}
