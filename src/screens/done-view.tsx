import { Box, Text } from 'ink';
import { dateFor } from '../i18n/dates.js';
import type { Screen } from './state.js';
import { Marked } from './marked.js';
import { useWords } from './words.js';
import { Parts } from './verdict-view.js';

export const PORTALS = ['tax', 'customs', 'socialInsurance', 'oneStop', 'publicServices'] as const;

export function DoneView({ screen, printed }: { readonly screen: Extract<Screen, { name: 'done' }>; readonly printed: boolean | null }) {
  const t = useWords();
  const { outcome } = screen;
  if (outcome.status === 'queued') {
    return (
      <Box flexDirection="column" gap={1}>
        <Marked mark="⧗" bold>
          {t.text('kiosk.queued.title')}
        </Marked>
        <Text>{t.text('kiosk.queued.body', { serial: outcome.oldSerial })}</Text>
        <Text>{t.text('kiosk.done.next')}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text bold>{t.text(outcome.status === 'renewed' ? 'kiosk.done.title' : 'kiosk.done.already')}</Text>
      <Text>{t.text('kiosk.done.validity', { serial: outcome.newSerial, date: dateFor(outcome.notAfter, outcome.timeZone) })}</Text>
      {/* Compensation alone is the validity line above; a paid order splits it in two parts. */}
      {outcome.parts?.paid && <Parts parts={outcome.parts} zone={outcome.timeZone} />}
      <Box flexDirection="column" marginTop={1}>
        <Text>{t.text('kiosk.done.portals')}</Text>
        {PORTALS.map((p) => (
          <Marked key={p} mark="☐" indent={2}>
            {t.text(`kiosk.portal.${p}`)}
          </Marked>
        ))}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        {outcome.receiptPath && <Text>{t.text('kiosk.done.receipt', { path: outcome.receiptPath })}</Text>}
        {printed !== null && <Text>{t.text(printed ? 'kiosk.done.printed' : 'kiosk.done.printFailed')}</Text>}
        <Text>{t.text('kiosk.done.next')}</Text>
      </Box>
    </Box>
  );
}
