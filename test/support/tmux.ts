/** The built app in a real terminal: tmux sessions at a given size, read with capture-pane. */
import { execFileSync } from 'node:child_process';
import type { DemoWorld } from '../../src/demo/world.js';
import { BIN } from './cli.js';

export function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** The screen as it is now. */
export function screenOf(session: string): string {
  return tmux('capture-pane', '-p', '-t', session);
}

export async function screenWith(session: string, text: string, timeoutMs = 60_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < until) {
    screen = screenOf(session);
    if (screen.includes(text)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no "${text}" on the screen within ${timeoutMs} ms:\n${screen}`);
}

/**
 * Starts `capbu ARGS` in a new detached session of 80×24 on the demo world's environment (plus
 * `env`); the pane's shell prints `EXIT=<code>` when the app ends and stays for reading.
 */
export function startInTmux(session: string, world: DemoWorld, args: readonly string[], env: Record<string, string> = {}): void {
  const vars = Object.entries({ ...world.env, CI: 'false', LANG: 'C.UTF-8', ...env }).map(([k, v]) => `${k}='${v}'`).join(' ');
  tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `env ${vars} node ${BIN} ${args.join(' ')}; echo "EXIT=$?"; sleep 600`);
}

/** The app's process: the pane's shell's child. */
export function appPid(session: string): number {
  const shell = tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim();
  return Number(execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
}

/** Whether the pane shows the alternate screen (1) or the normal one (0). */
export function alternateOn(session: string): string {
  return tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim();
}
