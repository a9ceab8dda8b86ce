/**
 * Calendar arithmetic in a named IANA time zone. The campaign's dates ("cap date", "issued before",
 * "contract end") are local calendar dates, while certificates carry UTC instants: a certificate
 * issued at 00:30 in Hanoi on the cutoff day is still the previous day in UTC.
 *
 * Pure: nothing here is remembered between calls. A caller that decides many certificates and
 * needs the speed holds a ZoneCalendar of its own (src/central/remembering-calendar.ts).
 */

/** A calendar date written YYYY-MM-DD. */
export type CalendarDate = string;

/** A local wall-clock time: hours, minutes, seconds. */
export type WallTime = readonly [number, number, number];

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

/** The two questions the rules ask of a zone. */
export interface ZoneCalendar {
  readonly zone: string;
  /** The calendar date an instant falls on. */
  dateOf(instant: Date): CalendarDate;
  /** The UTC instant of a local wall-clock time on a calendar date. */
  instantOf(date: CalendarDate, time: WallTime): Date;
}

/** A calendar for one zone; it holds its Intl formatter, the costly part, for as long as it is kept. */
export function zoneCalendar(zone: string): ZoneCalendar {
  const formatter = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const localParts = (instant: Date): Record<string, number> => {
    const parts: Record<string, number> = {};
    for (const p of formatter.formatToParts(instant)) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    return parts;
  };
  /** Offset of the zone from UTC at an instant, in milliseconds (local = UTC + offset). */
  const offsetAt = (instant: Date): number => {
    const p = localParts(instant);
    const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
  };
  return {
    zone,
    dateOf(instant) {
      const p = localParts(instant);
      const pad = (n: number | undefined, w = 2) => String(n).padStart(w, '0');
      return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
    },
    instantOf(date, time) {
      const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
      const wall = Date.UTC(y, mo - 1, d, time[0], time[1], time[2]);
      // Two passes settle the offset even when the wall time sits next to a DST change.
      let guess = wall - offsetAt(new Date(wall));
      guess = wall - offsetAt(new Date(guess));
      return new Date(guess);
    },
  };
}

/** The calendar date an instant falls on in the given zone. */
export function calendarDateIn(instant: Date, zone: string): CalendarDate {
  return zoneCalendar(zone).dateOf(instant);
}

/** The UTC instant of a local wall-clock time on a calendar date in the zone. */
export function localTimeToInstant(date: CalendarDate, time: WallTime, zone: string): Date {
  return zoneCalendar(zone).instantOf(date, time);
}

/** The calendar date after `date`. */
export function nextDate(date: CalendarDate): CalendarDate {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + 1)).toISOString().slice(0, 10);
}

/** 23:59:59 local time on the date: the last second a contract ending that day covers. */
export function endOfDay(date: CalendarDate, calendar: ZoneCalendar): Date {
  return calendar.instantOf(date, [23, 59, 59]);
}
