import { Box, Text } from 'ink';
import type { TokenView } from './model.js';
import type { Screen } from './state.js';
import { Marked } from './marked.js';
import { useWords } from './words.js';

export function PinView({ screen, token }: { readonly screen: Extract<Screen, { name: 'pin' }>; readonly token: TokenView }) {
  const t = useWords();
  const { pin } = token;
  const limits = { min: pin.minLength, max: pin.maxLength };
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold>{t.text('kiosk.pin.title')}</Text>
      <Text>
        {t.text('kiosk.pin.field')}
        {'•'.repeat(screen.length)}
        <Text inverse> </Text>
      </Text>
      <Text dimColor>{t.text('kiosk.pin.rules', limits)}</Text>
      <Box flexDirection="column">
        {screen.lastError && <Marked mark="✖">{t.error(screen.lastError.code, screen.lastError.details)}</Marked>}
        {screen.problem && <Marked mark="✖">{t.text(`kiosk.pin.${screen.problem}`, limits)}</Marked>}
        {pin.finalTry || pin.kioskTriesLeft === 1 ? (
          <Text>{t.text('kiosk.pin.finalTry')}</Text>
        ) : pin.kioskTriesLeft !== null ? (
          <Text>{t.text('kiosk.pin.triesLeft', { count: pin.kioskTriesLeft })}</Text>
        ) : (
          pin.countLow && <Text>{t.text('kiosk.pin.countLow')}</Text>
        )}
      </Box>
    </Box>
  );
}
