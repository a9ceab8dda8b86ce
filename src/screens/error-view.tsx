import { Box, Text } from 'ink';
import type { Screen } from './state.js';
import { useWords } from './words.js';

export function ErrorView({ screen, supportLine }: { readonly screen: Extract<Screen, { name: 'error' }>; readonly supportLine: string }) {
  const t = useWords();
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold>{t.text('kiosk.error.title')}</Text>
      <Text>{t.error(screen.error.code, screen.error.details)}</Text>
      <Text>{t.text('kiosk.error.support', { line: supportLine })}</Text>
      <Text dimColor>{t.text('kiosk.error.code', { code: screen.error.code })}</Text>
    </Box>
  );
}
