import { Box, Text } from 'ink';
import type { Screen } from './state.js';
import { Marked } from './marked.js';
import { useWords } from './words.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Each step as the core reports it: a spinner while it runs, then ✔ or ✖ and the time it took. */
export function ProgressView({ screen, tick }: { readonly screen: Extract<Screen, { name: 'progress' }>; readonly tick: number }) {
  const t = useWords();
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold>{t.text('kiosk.progress.title')}</Text>
      <Box flexDirection="column">
        {screen.steps.map((s) => {
          const glyph = s.status === 'started' ? SPINNER[tick % SPINNER.length] : s.status === 'done' ? '✔' : '✖';
          const attempt = s.attempt && s.attempt > 1 ? ` (${t.text('kiosk.step.attempt', { attempt: s.attempt })})` : '';
          const time = s.status === 'started' ? '' : `  ${t.text('kiosk.step.ms', { ms: s.ms })}`;
          return (
            <Marked key={s.name} mark={glyph!}>
              {`${t.text(`kiosk.step.${s.name}`)}${attempt}${time}`}
            </Marked>
          );
        })}
      </Box>
    </Box>
  );
}
