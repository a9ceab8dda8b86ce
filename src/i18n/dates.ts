/** Dates and times for people: dd/mm/yyyy (and HH:mm) in the campaign's zone, never UTC ISO. */

/** Vietnam's one zone: every campaign's so far, and the centre's for what belongs to no campaign. */
export const VIETNAM_ZONE = 'Asia/Ho_Chi_Minh';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${withTime}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      ...(withTime && { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    });
    formats.set(key, f);
  }
  return f;
}

/** 01/12/2028 for an instant, as the calendar reads in `zone`. */
export function dateFor(at: Date | string, zone: string): string {
  return format(zone, false).format(typeof at === 'string' ? new Date(at) : at);
}

/** 01/12/2028 09:05 for an instant, as the clock reads in `zone`. */
export function dateTimeFor(at: Date | string, zone: string): string {
  return format(zone, true).format(typeof at === 'string' ? new Date(at) : at).replace(',', '');
}

/** 02/10/2020 for a calendar date written 2020-10-02. */
export function calendarDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}
