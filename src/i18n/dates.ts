/**
 * Dates as a clerk reads them: dd/mm/yyyy in the campaign's time zone (ISO 8601 UTC stays in
 * JSON, logs and the journal). The same in both languages, so a clerk and a supervisor compare
 * one format.
 */
import { calendarDateIn, type CalendarDate } from '../campaign/calendar.js';

/** Where nothing names a zone (the centre's kiosk codes): Viettel-CA's customers' own. */
export const DEFAULT_ZONE = 'Asia/Ho_Chi_Minh';

/** `2020-10-02` → `02/10/2020`. */
export function calendarDay(date: CalendarDate): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** The day an instant falls on in `zone`: 2028-12-01T16:59:59Z in Vietnam → `01/12/2028`. */
export function dayIn(at: Date, zone: string): string {
  return calendarDay(calendarDateIn(at, zone));
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** Day and time in `zone`: `01/06/2020 10:00`. */
export function dayTimeIn(at: Date, zone: string): string {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    clocks.set(zone, clock);
  }
  return `${dayIn(at, zone)} ${clock.format(at)}`;
}
