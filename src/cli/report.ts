/** The readable `capbu check` report: one block per certificate, each reason on its own line. */
import type { Translator } from '../i18n/catalog.js';
import type { Inspection } from '../inspection/inspect.js';
import { isoUtc } from '../inspection/json.js';

export function renderInspection(inspection: Inspection, t: Translator): string {
  const { token } = inspection;
  const lines = [
    `${t.text('token')}: ${token.label} (${t.text('serialNo')} ${token.serial}, ${token.manufacturer} ${token.model})`,
    inspection.keyCheckLoggedIn ? t.text('keyCheckLoggedIn') : t.text('keyCheckPublic'),
  ];
  for (const c of inspection.certificates) {
    const marker = c === inspection.candidate ? '▶' : '•';
    lines.push(
      '',
      `${marker} ${t.text('certificate')} ${c.facts.serial}  [${c.role === 'ca' ? t.text('roleCa') : t.text('roleEndEntity')}]`,
      `  ${t.text('subject')}: ${c.facts.subject}`,
      `  ${t.text('issuer')}: ${c.facts.issuer}`,
      `  ${t.text('validity')}: ${isoUtc(c.facts.notBefore)} → ${isoUtc(c.facts.notAfter)}`,
      `  ${t.text('hasKey')}: ${c.hasPrivateKey ? t.text('yes') : t.text('no')}`,
    );
    const d = c.decision;
    if (!d) continue;
    if (d.eligible) {
      lines.push(`  ✔ ${t.text('eligible')}`, `  ${t.text('renewUntil')}: ${isoUtc(d.renewalNotAfter!)}`);
    } else {
      lines.push(`  ✘ ${t.text('notEligible')}:`, ...d.reasons.map((r) => `    - ${r}: ${t.reason(r)}`));
    }
  }
  for (const u of inspection.unreadable) lines.push('', `? ${t.text('unreadable')}: "${u.label}" (${u.error})`);
  lines.push('', `${t.text('candidate')}: ${inspection.candidate?.facts.serial ?? t.text('none')}`);
  return lines.join('\n');
}
