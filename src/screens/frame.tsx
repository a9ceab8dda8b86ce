import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { DemoPanel } from './demo-panel.js';
import { footerLine, statusLine } from './layout.js';
import type { AppState } from './state.js';
import { useWords } from './words.js';

export const DEMO_PANEL_WIDTH = 28;

/** Status line on top, the keys at the bottom, the demo panel at the side: the same on every screen. */
export function Frame({ state, width, height, children }: { readonly state: AppState; readonly width: number; readonly height: number; readonly children: ReactNode }) {
  const t = useWords();
  const rule = '─'.repeat(width);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{statusLine(state, t, width)}</Text>
      <Text>{rule}</Text>
      {state.demo && <Text wrap="truncate-end">{t.text('kiosk.demoBanner')}</Text>}
      {state.notice && <Text>! {t.text(`kiosk.notice.${state.notice}`)}</Text>}
      <Box flexGrow={1} flexDirection="row" overflow="hidden">
        <Box flexDirection="column" flexGrow={1} flexShrink={1} paddingX={1} paddingTop={1}>
          {children}
        </Box>
        {state.demo && <DemoPanel demo={state.demo} width={DEMO_PANEL_WIDTH} />}
      </Box>
      <Text>{rule}</Text>
      <Text wrap="truncate-end">{footerLine(state, t, width)}</Text>
    </Box>
  );
}
