import { Box, Text } from 'ink';
import type { AppState } from './state.js';
import { Marked } from './marked.js';
import { useWords } from './words.js';

export function WaitingView({ state }: { readonly state: AppState }) {
  const t = useWords();
  const dismissed = state.tokens.find((x) => x.key === state.dismissed);
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold>▣ {t.text('kiosk.waiting.title')}</Text>
      <Text>{t.text('kiosk.waiting.hint')}</Text>
      {dismissed && <Marked mark="↑">{t.text('kiosk.waiting.dismissed', { label: dismissed.label })}</Marked>}
      {state.devices.length > 0 && (
        <Box flexDirection="column">
          <Text>{t.text('kiosk.waiting.devices')}</Text>
          {state.devices.map((d) => (
            <Marked key={d.port} mark="✖" indent={2}>
              {t.text('kiosk.device', { id: d.id, name: d.name ?? '?', why: t.text(`why.${d.why.code}`, { ...d.why }) })}
            </Marked>
          ))}
        </Box>
      )}
    </Box>
  );
}
