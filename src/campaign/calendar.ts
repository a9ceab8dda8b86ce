/**
 * Calendar arithmetic in a named IANA time zone. The campaign's dates ("cap date", "issued before",
 * "contract end") are local calendar dates, while certificates carry UTC instants: a certificate
 * issued at 00:30 in Hanoi on the cutoff day is still the previous day in UTC.
 */
import { Recent } from '../pki/recent.js';

/** A calendar date written YYYY-MM-DD. */
export type CalendarDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(text: string): text is CalendarDate {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    // The RangeError is the answer: Intl does not know the zone.
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

function localParts(instant: Date, zone: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(zone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return parts;
}

/** Intl's formatting is the costly step of a decision; the same instants and dates recur. */
const dates = new Recent<CalendarDate>(1024);
const instants = new Recent<number>(1024);

/** Per zone, the instants [from, to) of the day last looked up: "now" moves every call, its day does not. */
const days = new Map<string, { readonly date: CalendarDate; readonly from: number; readonly to: number }>();

/** The calendar date an instant falls on in the given zone. */
export function calendarDateIn(instant: Date, zone: string): CalendarDate {
  const t = instant.getTime();
  const day = days.get(zone);
  if (day && t >= day.from && t < day.to) return day.date;
  const date = dates.get(`${zone} ${t}`, () => readCalendarDate(instant, zone));
  if (!day || t >= day.to) rememberDay(date, zone);
  return date;
}

function rememberDay(date: CalendarDate, zone: string): void {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, mo - 1, d + 1)).toISOString().slice(0, 10);
  const from = localTimeToInstant(date, [0, 0, 0], zone).getTime();
  const to = localTimeToInstant(next, [0, 0, 0], zone).getTime();
  // A zone whose clocks jump at midnight may have no 00:00: keep only a window that holds.
  if (readCalendarDate(new Date(from), zone) === date && readCalendarDate(new Date(to - 1), zone) === date) {
    days.set(zone, { date, from, to });
  }
}

function readCalendarDate(instant: Date, zone: string): CalendarDate {
  const p = localParts(instant, zone);
  const pad = (n: number | undefined, w = 2) => String(n).padStart(w, '0');
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Offset of the zone from UTC at an instant, in milliseconds (local = UTC + offset). */
function offsetAt(instant: Date, zone: string): number {
  const p = localParts(instant, zone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The UTC instant of a local wall-clock time on a calendar date in the zone. */
export function localTimeToInstant(date: CalendarDate, time: [number, number, number], zone: string): Date {
  return new Date(instants.get(`${zone} ${date} ${time.join(':')}`, () => readInstant(date, time, zone)));
}

function readInstant(date: CalendarDate, time: [number, number, number], zone: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, time[0], time[1], time[2]);
  // Two passes settle the offset even when the wall time sits next to a DST change.
  let guess = wall - offsetAt(new Date(wall), zone);
  guess = wall - offsetAt(new Date(guess), zone);
  return guess;
}

/** 23:59:59 local time on the date: the last second a contract ending that day covers. */
export function endOfDay(date: CalendarDate, zone: string): Date {
  return localTimeToInstant(date, [23, 59, 59], zone);
}
