import { Box, Text } from 'ink';
import type { AppState, Screen } from './state.js';
import { useWords } from './words.js';

export function ChooseView({ state, screen }: { readonly state: AppState; readonly screen: Extract<Screen, { name: 'choose' }> }) {
  const t = useWords();
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold>{t.text('kiosk.choose.title', { count: state.tokens.length })}</Text>
      <Box flexDirection="column">
        {state.tokens.map((token, i) => (
          <Text key={token.key} inverse={i === screen.index}>
            {i === screen.index ? '▶ ' : '  '}
            {t.text('kiosk.choose.line', { label: token.label, serial: token.serial, model: token.model })}
          </Text>
        ))}
      </Box>
    </Box>
  );
}
