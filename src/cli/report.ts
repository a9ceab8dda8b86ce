/** The readable `capbu check` report: one block per certificate, its dates in the campaign's zone. */
import type { Campaign } from '../campaign/campaign.js';
import { homeZone, type CampaignSet } from '../campaign/campaigns.js';
import type { Translator } from '../i18n/catalog.js';
import { calendarDate, dateFor } from '../i18n/dates.js';
import { reasonVars } from '../i18n/reason-vars.js';
import type { InspectedCertificate, Inspection } from '../inspection/inspect.js';
import type { Decision } from '../campaign/decide.js';
import { DEFAULT_SETTINGS } from '../store/settings.js';
import type { PinTries } from '../renewal/pin-guard.js';

/** The certificate's side of its reasons' sentences. */
function reasonFacts(c: InspectedCertificate, campaign: Campaign, supportLine: string) {
  return reasonVars(
    {
      serial: c.facts.serial,
      notBefore: c.facts.notBefore,
      notAfter: c.facts.notAfter,
      contractEnd: c.subscriber?.contractEnd ?? null,
      certificateTaxCode: c.facts.taxCode ?? null,
      registryTaxCode: c.subscriber?.taxCode ?? null,
      rollout: c.decision?.rollout ?? null,
      supportLine,
    },
    campaign,
  );
}

/** The two parts of what a renewal grants, what the paid order loses to the new CA, and an override used. */
export function grantLines(d: Pick<Decision, 'grant' | 'warnings' | 'rollout'>, t: Translator, campaign: Campaign): string[] {
  const zone = campaign.timeZone;
  const lines: string[] = [];
  if (d.rollout?.overridden) lines.push(t.text('kiosk.verdict.override', { hardwareVersion: d.rollout.hardwareVersion ?? '' }));
  if (d.grant) {
    const paid = d.grant.paid;
    lines.push(
      t.text('grantParts', {
        compensationDays: d.grant.compensationDays,
        compensationEnd: dateFor(d.grant.compensationNotAfter, zone),
        orderId: paid?.orderId,
        paidDays: paid?.days,
      }),
    );
    if (paid && d.warnings.includes('PAID_PERIOD_CAPPED')) {
      lines.push(
        t.text('warning.PAID_PERIOD_CAPPED', {
          orderId: paid.orderId,
          paidUntil: calendarDate(paid.paidUntil),
          caEnd: dateFor(campaign.newCa.facts.notAfter, zone),
          cappedDays: paid.cappedDays,
        }),
      );
    }
  }
  return lines;
}

function verdict(c: InspectedCertificate, t: Translator, campaign: Campaign, supportLine: string): string[] {
  const zone = campaign.timeZone;
  if (c.renewed) {
    return [`  ✔ ${t.text('renewedOn', { at: dateFor(c.renewed.at, zone), old: c.renewed.oldSerial, notAfter: dateFor(c.facts.notAfter, zone) })}`];
  }
  const d = c.decision;
  if (!d) return [];
  if (d.eligible) return [`  ✔ ${t.text('eligibleUntil', { notAfter: dateFor(d.renewalNotAfter!, zone) })}`, ...grantLines(d, t, campaign).map((l) => `    ${l}`)];
  const facts = reasonFacts(c, campaign, supportLine);
  return [
    `  ✘ ${t.text('notEligible')}:`,
    ...d.reasons.map((r) => `    - ${t.reason(r, facts)}`),
    `    ${t.text('details')}: ${d.reasons.join(', ')}`,
  ];
}

/** The PIN's tries, said only when something is short of a fresh token: wrong PINs counted, or flags. */
function pinLine(tries: PinTries, t: Translator): string[] {
  if (tries.locked) return [`${t.text('tokens.pin')}: ${t.error('PIN_LOCKED')}`];
  if (tries.counted === 0 && !tries.finalTry && !tries.token.countLow) return [];
  // The kiosk's count is a number only once it has counted: a fresh count says nothing of the token's.
  const remaining = tries.counted > 0 ? tries.remaining : undefined;
  return [t.text('pinTriesLeft', { counted: tries.counted, remaining, finalTry: tries.finalTry, countLow: tries.token.countLow })];
}

/** `tries`: the PIN guard's count for this token, where the command read it (`capbu check`). */
export function renderInspection(
  inspection: Inspection,
  t: Translator,
  campaigns: CampaignSet,
  tries?: PinTries,
  supportLine: string = DEFAULT_SETTINGS.supportLine,
): string {
  const { token } = inspection;
  const zone = homeZone(campaigns);
  const lines = [
    `${t.text('token')}: ${token.label} (${t.text('serialNo')} ${token.serial}, ${token.manufacturer} ${token.model})`,
    inspection.keyCheckLoggedIn ? t.text('keyCheckLoggedIn') : t.text('keyCheckPublic'),
    ...(tries ? pinLine(tries, t) : []),
    t.text('datesIn', { zone }),
  ];
  for (const c of inspection.certificates) {
    const marker = c === inspection.candidate ? '▶' : '•';
    lines.push(
      '',
      `${marker} ${t.text('certificate')} ${c.facts.serial}  [${c.role === 'ca' ? t.text('roleCa') : t.text('roleEndEntity')}]`,
      `  ${t.text('subject')}: ${c.facts.subject}`,
      `  ${t.text('issuer')}: ${c.facts.issuer}`,
      `  ${t.text('validity')}: ${dateFor(c.facts.notBefore, zone)} – ${dateFor(c.facts.notAfter, zone)}`,
      `  ${t.text('hasKey')}: ${c.hasPrivateKey ? t.text('yes') : t.text('no')}`,
      ...(c.decision?.campaign ? [`  ${t.text('campaignOf')}: ${c.judgedBy!.name} (${c.decision.campaign})`] : []),
      ...(c.judgedBy ? verdict(c, t, c.judgedBy, supportLine) : []),
    );
  }
  for (const u of inspection.unreadable) lines.push('', `? ${t.text('unreadable')}: "${u.label}" (${u.error})`);
  const candidate = inspection.candidate?.decision?.eligible ? inspection.candidate : null;
  lines.push('', candidate ? `${t.text('candidate')}: ${candidate.facts.serial}` : t.text('noCandidate'));
  return lines.join('\n');
}
