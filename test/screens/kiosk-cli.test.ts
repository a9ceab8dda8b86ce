/** `capbu kiosk` away from a terminal: one line with its code and exit 2, never a half-drawn screen. */
import { describe, expect, it } from 'vitest';
import { runCapbu } from '../support/cli.js';

describe('capbu kiosk without a terminal', () => {
  it('stops with NOT_A_TERMINAL, exit 2, on one line', async () => {
    for (const lang of ['vi', 'en']) {
      const result = await runCapbu(['kiosk', '--operator', 'lan', '--lang', lang]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^capbu: NOT_A_TERMINAL: [^\n]+\n$/);
      expect(result.stderr).not.toContain('\x1b[');
    }
  });

  it('plain capbu off a terminal is the help, not the app', async () => {
    const result = await runCapbu([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}kiosk\s/m);
  });
});
