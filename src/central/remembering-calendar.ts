/**
 * The centre's calendar: the campaign's zone, with what it looked up lately remembered. Intl's
 * formatting is the costly step of a decision, and a busy centre meets the same instants (the cap
 * instant, "now") and dates (contract ends) over and over. The rules stay pure; the memory is here.
 */
import { nextDate, zoneCalendar, type CalendarDate, type WallTime, type ZoneCalendar } from '../campaign/calendar.js';
import { Recent } from '../pki/recent.js';

export function rememberingCalendar(zone: string): ZoneCalendar {
  const calendar = zoneCalendar(zone);
  const dates = new Recent<CalendarDate>(1024);
  const instants = new Recent<number>(1024);
  /** The instants [from, to) of the day last looked up: "now" moves every call, its day does not. */
  let day: { readonly date: CalendarDate; readonly from: number; readonly to: number } | null = null;

  const instantOf = (date: CalendarDate, time: WallTime): Date =>
    new Date(instants.get(`${date} ${time.join(':')}`, () => calendar.instantOf(date, time).getTime()));

  const rememberDay = (date: CalendarDate): void => {
    const from = instantOf(date, [0, 0, 0]).getTime();
    const to = instantOf(nextDate(date), [0, 0, 0]).getTime();
    // A zone whose clocks jump at midnight may have no 00:00: keep only a window that holds.
    if (calendar.dateOf(new Date(from)) === date && calendar.dateOf(new Date(to - 1)) === date) day = { date, from, to };
  };

  return {
    zone,
    dateOf(instant) {
      const t = instant.getTime();
      if (day && t >= day.from && t < day.to) return day.date;
      const date = dates.get(String(t), () => calendar.dateOf(instant));
      if (!day || t >= day.to) rememberDay(date);
      return date;
    },
    instantOf,
  };
}
