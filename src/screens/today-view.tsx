import { Box, Text } from 'ink';
import { dateTimeFor } from '../i18n/dates.js';
import { ageWords } from './layout.js';
import type { AppState } from './state.js';
import { useWords } from './words.js';

const ROWS = ['renewed', 'queued', 'notEligible', 'failed'] as const;

/** This kiosk's day: counts by outcome as a bar chart of characters (no colour needed), and what waits. */
export function TodayView({ state, width }: { readonly state: AppState; readonly width: number }) {
  const t = useWords();
  const { today, status } = state;
  if (!today) return <Text>{t.text('kiosk.today.loading')}</Text>;
  const labelWidth = Math.max(...ROWS.map((r) => t.text(`kiosk.today.${r}`).length)) + 2;
  const most = Math.max(1, ...ROWS.map((r) => today[r]));
  const barRoom = Math.max(10, width - labelWidth - 8);
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold>{t.text('kiosk.today.title')}</Text>
      <Box flexDirection="column">
        {ROWS.map((r) => (
          <Text key={r}>
            {t.text(`kiosk.today.${r}`).padEnd(labelWidth)}
            {String(today[r]).padStart(4)} {'█'.repeat(Math.round((today[r] / most) * barRoom))}
          </Text>
        ))}
      </Box>
      {status && (
        <Box flexDirection="column">
          <Text>{t.text('kiosk.today.waiting', { events: status.waitingEvents, renewals: status.waitingRenewals })}</Text>
          <Text>{t.text('kiosk.today.lastSync', { at: status.lastSyncAt && state.timeZone ? dateTimeFor(status.lastSyncAt, state.timeZone) : t.text('kiosk.today.never') })}</Text>
          <Text>{t.text('kiosk.today.registry', { age: ageWords(status.registryAgeHours, t) })}</Text>
        </Box>
      )}
    </Box>
  );
}
