import { Box, Text } from 'ink';
import type { Screen } from './state.js';
import { useWords } from './words.js';

export function SignInView({ screen }: { readonly screen: Extract<Screen, { name: 'signIn' }> }) {
  const t = useWords();
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold>{t.text('kiosk.signIn.title')}</Text>
      <Text>
        {t.text('kiosk.signIn.prompt')} {screen.draft}
        <Text inverse> </Text>
      </Text>
      <Text dimColor>{t.text('kiosk.signIn.hint')}</Text>
    </Box>
  );
}
