/**
 * The terminal as the kiosk app borrows it: the alternate screen, no cursor, raw keys — and given
 * back on every way out (quit, crash, SIGTERM, SIGHUP, an uncaught error), since a clerk cannot
 * be asked to type `reset`. Ink 6 has no alternate-screen option, so the escapes are written here.
 */

const ENTER = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const CLEAR = '\x1b[2J\x1b[H';

export interface Borrowed {
  /** Gives the terminal back; safe to call more than once. */
  restore(): void;
}

const SIGNALS = { SIGTERM: 15, SIGHUP: 1, SIGINT: 2 } as const;

export function borrowTerminal(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream, onFatal: (error: unknown) => void): Borrowed {
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.off('resize', onResize);
    for (const signal of Object.keys(SIGNALS)) process.off(signal, onSignal);
    process.off('uncaughtException', onFatalError);
    process.off('unhandledRejection', onFatalError);
    process.off('exit', restore);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdout.write(LEAVE);
  };
  // Ink redraws only the lines it wrote; a resize can leave the old layout's lines behind.
  const onResize = () => stdout.write(CLEAR);
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    process.exit(128 + SIGNALS[signal as keyof typeof SIGNALS]);
  };
  const onFatalError = (error: unknown) => {
    restore();
    onFatal(error);
  };
  stdout.write(ENTER);
  stdout.on('resize', onResize);
  for (const signal of Object.keys(SIGNALS)) process.on(signal, onSignal);
  process.on('uncaughtException', onFatalError);
  process.on('unhandledRejection', onFatalError);
  // The last resort: whatever ends the process, the screen and the cursor come back.
  process.on('exit', restore);
  return { restore };
}
