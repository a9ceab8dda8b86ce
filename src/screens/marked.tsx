import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

/**
 * A line led by a mark (✔ ✖ ☐ ↻): the mark keeps its column and the text wraps under itself. A bare
 * `<Text>✖ </Text>` beside long text is shrunk by the layout and loses its space ("✖Chứng…").
 */
export function Marked({ mark, indent = 0, bold = false, children }: { readonly mark: string; readonly indent?: number; readonly bold?: boolean; readonly children: ReactNode }) {
  return (
    <Box paddingLeft={indent}>
      <Box flexShrink={0} width={[...mark].length + 1}>
        <Text bold={bold}>{mark}</Text>
      </Box>
      <Text bold={bold}>{children}</Text>
    </Box>
  );
}
