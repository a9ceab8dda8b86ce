/**
 * Paid extension orders ("gia hạn") exported by the billing system as CSV
 * `serial,orderId,paidUntil[,paidAt][,issuerKeyId]`: a customer who pays for more time gets it on
 * the same renewal as the free compensation ("cấp bù + gia hạn"). issuerKeyId names the old CA key
 * that issued the certificate, as the registry's column does.
 */
import { isCalendarDate, type CalendarDate } from './calendar.js';
import { parseCsvTable } from './csv-table.js';
import { normalizeSerial } from '../pki/certificate.js';
import { KEY_ID_RE, normalizeKeyId } from '../pki/key-identifier.js';
import { isOrderedSubset, rowKey } from './export-rows.js';

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
  /** The old CA key's identifier (registry.ts); absent when the export does not say. */
  readonly issuerKeyId?: string;
}

/** What is wrong with a row, as `ORDERS_INVALID`'s `lines` say it: `<line>:<problem>`. */
export const ORDER_PROBLEMS = ['csv', 'header', 'columns', 'serial', 'orderId', 'paidUntil', 'paidAt', 'issuerKeyId', 'duplicate'] as const;

const HEADER = ['serial', 'orderId', 'paidUntil'] as const;
/** Columns an export may add after the required ones, in this order. */
const OPTIONAL = ['paidAt', 'issuerKeyId'] as const;
const HEX_RE = /^[0-9a-fA-F]{1,40}$/;
const ORDER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;
/** ISO 8601 with a zone: billing's timestamps are instants. */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function rowProblem(serial: string, orderId: string, paidUntil: string, paidAt: string, issuerKeyId: string): string | null {
  if (!HEX_RE.test(serial)) return 'serial';
  if (!ORDER_ID_RE.test(orderId)) return 'orderId';
  if (!isCalendarDate(paidUntil)) return 'paidUntil';
  if (paidAt !== '' && (!INSTANT_RE.test(paidAt) || Number.isNaN(Date.parse(paidAt)))) return 'paidAt';
  if (issuerKeyId !== '' && !KEY_ID_RE.test(issuerKeyId)) return 'issuerKeyId';
  return null;
}

/** The whole file or nothing: ORDERS_INVALID names every bad line (1-based) and what is wrong with it. */
export function parseOrdersCsv(text: string): OrderRow[] {
  const seen = new Set<string>();
  return parseCsvTable(text, {
    code: 'ORDERS_INVALID',
    header: (columns) => HEADER.every((c, i) => columns[i] === c) && isOrderedSubset(columns.slice(HEADER.length), OPTIONAL),
    row: ({ serial = '', orderId = '', paidUntil = '', paidAt = '', issuerKeyId = '' }) => {
      const problem = rowProblem(serial, orderId, paidUntil, paidAt, issuerKeyId);
      if (problem) return problem;
      const order = {
        serial: normalizeSerial(serial),
        ...(issuerKeyId !== '' && { issuerKeyId: normalizeKeyId(issuerKeyId) }),
        orderId,
        paidUntil,
        paidAt: paidAt === '' ? null : new Date(paidAt).toISOString(),
      };
      // One order per certificate: two in one file is a billing export to fix, not to guess at.
      if (seen.has(rowKey(order))) return 'duplicate';
      seen.add(rowKey(order));
      return order;
    },
  });
}
