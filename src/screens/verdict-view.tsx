import { Box, Text } from 'ink';
import { calendarDate, dateFor } from '../i18n/dates.js';
import type { Translator } from '../i18n/catalog.js';
import { reasonVars } from '../i18n/reason-vars.js';
import type { CertificateView, GrantView, TokenView } from './model.js';
import { Marked } from './marked.js';
import { useWords } from './words.js';

/** The token, every certificate on it, and for the candidate the verdict in words a clerk can repeat. */
export function VerdictView({ token }: { readonly token: TokenView }) {
  const t = useWords();
  const zone = token.campaign.timeZone;
  // With nothing to renew, the verdict on the customer's own certificate still says why.
  const candidate = token.certificates.find((c) => c.serial === token.candidate) ?? token.certificates.find((c) => c.decision !== null) ?? null;
  const cas = token.certificates.filter((c) => c.role === 'ca').length;
  return (
    <Box flexDirection="column">
      <Text bold>{t.text('kiosk.verdict.token', { label: token.label, serial: token.serial, model: token.model, version: token.hardwareVersion ?? '' })}</Text>
      {token.company && <Text>{t.text('kiosk.verdict.company', { company: token.company, taxCode: token.taxCode ?? '' })}</Text>}
      <Box flexDirection="column" marginTop={1}>
        {token.certificates
          .filter((c) => c.role === 'end-entity')
          .map((c) => (
            <Text key={c.serial} wrap={c === candidate ? 'wrap' : 'truncate-end'}>
              {t.text('kiosk.verdict.certificate', {
                marker: c === candidate ? '▶' : '•',
                serial: c.serial,
                role: t.text('kiosk.verdict.roleEndEntity'),
                from: dateFor(c.notBefore, zone),
                to: dateFor(c.notAfter, zone),
              })}
            </Text>
          ))}
        {/* CA certificates need nothing doing: one line says how many there are. */}
        {cas > 0 && <Text wrap="truncate-end">{t.text('kiosk.verdict.caCertificates', { count: cas })}</Text>}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Verdict token={token} candidate={candidate} />
      </Box>
    </Box>
  );
}

function Verdict({ token, candidate }: { readonly token: TokenView; readonly candidate: CertificateView | null }) {
  const t = useWords();
  const zone = token.campaign.timeZone;
  if (token.pin.locked) return <Marked mark="✖">{t.text('kiosk.verdict.locked')}</Marked>;
  if (token.unfinished) return <Marked mark="↻">{t.text(`kiosk.verdict.${token.unfinished}`)}</Marked>;
  // Already renewed here: the words `capbu check` uses for it.
  const renewed = token.certificates.find((c) => c.renewed !== null && c.role === 'end-entity');
  if (renewed?.renewed && !candidate?.decision?.eligible) {
    return <Marked mark="✔">{t.text('renewedOn', { at: dateFor(renewed.renewed.at, zone), old: renewed.renewed.oldSerial, notAfter: dateFor(renewed.notAfter, zone) })}</Marked>;
  }
  if (!candidate?.decision) return <Text>{t.text('kiosk.verdict.noCandidate')}</Text>;
  const { decision } = candidate;
  // Several waves meet at one counter: the verdict says which one the certificate belongs to.
  // One line: beside a token of many objects the screen has no row to spare (80×24).
  const wave = decision.campaign && candidate.judgedBy ? <Text wrap="truncate-end">{t.text('kiosk.verdict.campaign', { name: candidate.judgedBy.name })}</Text> : null;
  if (decision.eligible) {
    return (
      <Box flexDirection="column">
        {wave}
        <Text bold>{t.text('kiosk.verdict.eligible', { date: dateFor(decision.renewalNotAfter!, zone) })}</Text>
        {decision.parts?.paid && <Parts parts={decision.parts} zone={zone} />}
        {decision.parts?.paid && decision.warnings?.includes('PAID_PERIOD_CAPPED') && (
          <Text>
            {t.text('kiosk.warning.PAID_PERIOD_CAPPED', {
              orderId: decision.parts.paid.orderId,
              paidUntil: calendarDate(decision.parts.paid.paidUntil),
              caEnd: token.campaign.newCaNotAfter ? dateFor(token.campaign.newCaNotAfter, zone) : '',
              cappedDays: decision.parts.paid.cappedDays,
            })}
          </Text>
        )}
        {decision.rollout?.overridden && <Text>{t.text('kiosk.verdict.override', { hardwareVersion: decision.rollout.hardwareVersion ?? '' })}</Text>}
        <Text>{t.text('kiosk.verdict.whatHappens')}</Text>
      </Box>
    );
  }
  // Each reason in the words `capbu check` uses: what is true and what to tell the customer.
  const vars = reasonVars(
    {
      serial: candidate.serial,
      notBefore: candidate.notBefore,
      notAfter: candidate.notAfter,
      contractEnd: candidate.contractEnd,
      certificateTaxCode: candidate.taxCode,
      registryTaxCode: candidate.registryTaxCode,
      rollout: decision.rollout ?? null,
      supportLine: token.campaign.supportLine ?? '',
    },
    candidate.judgedBy ?? token.campaign,
  );
  return (
    <Box flexDirection="column">
      {wave}
      <Text bold>{t.text('kiosk.verdict.notEligible')}</Text>
      {decision.reasons.map((r) => (
        <Marked key={r} mark="✖" indent={2}>
          {t.reason(r, vars)}
        </Marked>
      ))}
      <Text dimColor>{t.text('kiosk.verdict.codes', { codes: decision.reasons.join(', ') })}</Text>
    </Box>
  );
}

/** What the renewal grants, in its two parts: free compensation, and the paid order's days with its id. */
export function partsText(t: Translator, parts: GrantView, zone: string): string {
  return t.text('kiosk.verdict.parts', {
    compensationDays: parts.compensationDays,
    compensationEnd: dateFor(parts.compensationNotAfter, zone),
    orderId: parts.paid?.orderId,
    paidDays: parts.paid?.days,
  });
}

export function Parts({ parts, zone }: { readonly parts: GrantView; readonly zone: string }) {
  return <Text>{partsText(useWords(), parts, zone)}</Text>;
}
