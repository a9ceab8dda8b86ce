/**
 * bench/renew at a tiny scale, so the benchmark keeps working as the store and the token code it
 * times change (its timing proxy once hid the store's transaction modes, and it crashed unseen).
 * No timing is asserted: only that every part ran and the ratio was printed.
 */
import { expect, it, vi } from 'vitest';

it('renews on SoftHSM2 through the centre and prints each part and the ratio to its floor', async () => {
  process.env.BENCH_RUNS = '2';
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    await import('../bench/renew/index.js');
  } finally {
    log.mockRestore();
  }
  const printed = lines.join('\n');
  expect(printed).toContain('2 renewals on SoftHSM2');
  for (const part of ['renewal, complete', 'token (login, CSR, write)', 'network and issuance', 'kiosk store', 'floor: sign+create+read+delete']) {
    expect(printed).toMatch(new RegExp(`${part.replace(/[()+]/g, '\\$&')}[^\\n]*\\s\\d+(\\.\\d+)? ms`));
  }
  expect(printed).toMatch(/ratio renewal \/ floor: \d+\.\d+×/);
});
