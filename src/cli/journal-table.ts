/** The readable `capbu journal`: seq, local time, type, operator and one line in the operator's language. */
import type { Translator, Vars } from '../i18n/catalog.js';
import { dateTimeFor } from '../i18n/dates.js';
import type { JournalEvent } from '../journal/format.js';

/** Event data as catalogue variables: lists joined, null left out. */
function vars(event: JournalEvent): Vars {
  const out: Vars = {};
  for (const [key, value] of Object.entries(event.data)) {
    if (value === null) continue;
    out[key] = Array.isArray(value) ? value.map(String) : typeof value === 'object' ? JSON.stringify(value) : value;
  }
  return out;
}

export function eventSummary(event: JournalEvent, t: Translator): string {
  return t.text(`event.${event.type}`, vars(event));
}

export function journalTable(events: readonly JournalEvent[], zone: string, t: Translator, header: boolean): string {
  const lines = header ? [`${t.text('journalHeader')}`] : [];
  for (const e of events) {
    lines.push(`${String(e.seq).padStart(6)}  ${dateTimeFor(e.at, zone)}  ${e.type.padEnd(18)} ${e.operator ?? '-'}: ${eventSummary(e, t)}`);
  }
  return lines.join('\n');
}
