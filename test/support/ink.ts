/**
 * Renders an Ink tree on a terminal of a given size (ink-testing-library's is fixed at 100
 * columns), and waits for frames by polling, never by sleeping a fixed time.
 */
import { EventEmitter } from 'node:events';
import { render as inkRender } from 'ink';
import type { ReactElement } from 'react';

class Screen extends EventEmitter {
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames.at(-1) ?? '';
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

class Keyboard extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export const KEY = { enter: '\r', escape: '\x1b', tab: '\t', backspace: '\x7f', up: '\x1b[A', down: '\x1b[B', ctrlC: '\x03' } as const;

export function renderAt(tree: ReactElement, columns = 80, rows = 24) {
  const stdout = new Screen(columns, rows);
  const stdin = new Keyboard();
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new Screen(columns, rows) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  /** Waits until the latest frame satisfies `test`; fails with the frame it last saw. */
  async function frameWhere(test: (frame: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const frame = stdout.lastFrame();
      if (test(frame)) return frame;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no frame ${what} within ${timeoutMs} ms; last frame:\n${stdout.lastFrame()}`);
  }
  return {
    stdout,
    stdin,
    unmount: () => instance.unmount(),
    waitUntilExit: () => instance.waitUntilExit(),
    lastFrame: stdout.lastFrame,
    frameWith: (text: string, timeoutMs?: number) => frameWhere((f) => f.includes(text), `with "${text}"`, timeoutMs),
    frameWhere,
    /** Types keys one write at a time, as a person does. */
    async type(...keys: string[]) {
      for (const k of keys) {
        stdin.write(k);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}
