import { Box, Text } from 'ink';
import { dateFor } from '../i18n/dates.js';
import type { Screen } from './state.js';
import { Marked } from './marked.js';
import { useWords } from './words.js';
import { partsText } from './verdict-view.js';

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
      {/* What the receipt prints too: the free days always, the paid order's days beside them when
          there is one; one paragraph with the validity, so the screen fits 80×24 beside the demo panel. */}
      <Text>
        {t.text('kiosk.done.validity', { serial: outcome.newSerial, date: dateFor(outcome.notAfter, outcome.timeZone) })}
        {outcome.parts && ` ${partsText(t, outcome.parts, outcome.timeZone)}`}
      </Text>
      <Box flexDirection="column" marginTop={1}>
        <Text>{t.text('kiosk.done.portals')}</Text>
        {PORTALS.map((p) => (
          <Marked key={p} mark="☐" indent={2}>
            {t.text(`kiosk.portal.${p}`)}
          </Marked>
        ))}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        {/* One line: the path's start and its file name matter, the middle can give way. */}
        {outcome.receiptPath && <Text wrap="truncate-middle">{t.text('kiosk.done.receipt', { path: outcome.receiptPath })}</Text>}
        {printed !== null && <Text>{t.text(printed ? 'kiosk.done.printed' : 'kiosk.done.printFailed')}</Text>}
        <Text>{t.text('kiosk.done.next')}</Text>
      </Box>
    </Box>
  );
}
