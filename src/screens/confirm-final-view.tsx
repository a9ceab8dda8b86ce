import { Box, Text } from 'ink';
import { useWords } from './words.js';

export function ConfirmFinalView() {
  const t = useWords();
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold>{t.text('kiosk.confirm.title')}</Text>
      <Text>{t.text('kiosk.confirm.body')}</Text>
      <Text>{t.text('kiosk.confirm.keys')}</Text>
    </Box>
  );
}
