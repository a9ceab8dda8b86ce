import { Box, Text } from 'ink';
import type { DemoView } from './model.js';
import { useWords } from './words.js';

/** The demo world's customers: a digit plugs one's token the way a real token appears. */
export function DemoPanel({ demo, width }: { readonly demo: DemoView; readonly width: number }) {
  const t = useWords();
  return (
    <Box flexDirection="column" width={width} flexShrink={0} borderStyle="single" paddingX={1}>
      <Text bold>{t.text('kiosk.demo.title')}</Text>
      {demo.customers.map((c) => (
        <Text key={c.key} wrap="truncate-end">
          {`${c.plugged ? '●' : ' '}${c.key} ${t.text(`kiosk.situation.${c.situation}`)}`}
        </Text>
      ))}
      <Text>{t.text(demo.linkUp ? 'kiosk.demo.linkUp' : 'kiosk.demo.linkDown')}</Text>
      <Text dimColor>{t.text('kiosk.demo.keys')}</Text>
    </Box>
  );
}
