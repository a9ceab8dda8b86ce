/** The lines every screen shares — status line and footer — as text, so they are tested as text. */
import type { Translator } from '../i18n/catalog.js';
import { footerBindings } from './keys.js';
import type { AppState } from './state.js';

export function ageWords(hours: number | null, t: Translator): string {
  if (hours === null) return t.text('kiosk.age.unknown');
  if (hours < 48) return t.text('kiosk.age.hours', { count: Math.floor(hours) });
  return t.text('kiosk.age.days', { count: Math.floor(hours / 24) });
}

/** Kiosk id, operator, link, work waiting, registry age and warnings; parts dropped from the right to fit. */
export function statusLine(state: AppState, t: Translator, width: number): string {
  const s = state.status;
  const operator =
    state.operatorSource === 'selfService'
      ? t.text('kiosk.status.selfService')
      : state.operator
        ? t.text('kiosk.status.operator', { name: state.operator })
        : t.text('kiosk.status.noOperator');
  const parts = [
    s?.kioskId ? t.text('kiosk.status.kiosk', { id: s.kioskId }) : t.text('kiosk.status.notEnrolled'),
    operator,
    s?.online === true ? t.text('kiosk.status.online') : s?.online === false ? t.text('kiosk.status.offline') : t.text('kiosk.status.connecting'),
  ];
  if (s) {
    parts.push(t.text('kiosk.status.waiting', { count: s.waitingEvents + s.waitingRenewals }));
    // Most pressing first, as the line loses parts from its end: a wrong clock skews every verdict.
    if (s.clockSkewWarning) parts.push(t.text('kiosk.status.skew'));
    if (s.unsyncedWarning) parts.push(t.text('kiosk.status.unsynced'));
    const age = ageWords(s.registryAgeHours, t);
    parts.push(s.registryWarning ? t.text('kiosk.status.registryOld', { age }) : t.text('kiosk.status.registry', { age }));
  }
  // Warnings matter more than the rest: past the first three, the others go first; then a warning
  // goes only if the line would still not fit without it, and the last one kept may be cut short.
  const join = (xs: string[]) => xs.join(' │ ');
  const line = [...parts];
  const warning = (p: string) => p.startsWith('⚠');
  while (line.length > 3 && join(line).length > width) {
    const drop = line.findIndex((p, i) => i >= 3 && !warning(p));
    if (drop >= 0) line.splice(drop, 1);
    else if (join(line.slice(0, -1)).length > width) line.pop();
    else break;
  }
  return truncate(join(line), width);
}

/** The keys that work on this screen, from the one key table. */
export function footerLine(state: AppState, t: Translator, width: number): string {
  const items = footerBindings(state).map((b) => `${t.text(b.key)} ${t.text(b.label)}`);
  return truncate(items.join(' · '), width);
}

export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
