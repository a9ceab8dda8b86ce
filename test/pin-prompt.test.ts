/**
 * A PIN typed at a real terminal (tmux): prompted on stderr, never echoed, Backspace works.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import { BIN } from './support/cli.js';
import { USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;

beforeAll(async () => {
  world = await makeWorld();
  await world.subscriberToken('typed', { commonName: 'Công ty gõ PIN', taxCode: '0100000009' });
});

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

async function screenUntil(session: string, done: (screen: string) => boolean): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const screen = tmux('capture-pane', '-t', session, '-p');
    if (done(screen)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  return tmux('capture-pane', '-t', session, '-p');
}

it('reads the PIN without echo at a terminal', async () => {
  const session = `capbu-pin-${process.pid}`;
  const env = Object.entries({ ...world.env, CI: 'false' }).map(([k, v]) => `${k}='${v}'`).join(' ');
  tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24',
    `env ${env} ${process.execPath} ${BIN} check --token typed --pin-stdin --json --now 2020-06-01T03:00:00Z; echo EXIT=$?; sleep 30`);
  try {
    await screenUntil(session, (s) => s.includes('Customer PIN'));
    const typo = `${USER_PIN.slice(0, -1)}x`;
    tmux('send-keys', '-t', session, '-l', typo);
    tmux('send-keys', '-t', session, 'BSpace');
    tmux('send-keys', '-t', session, '-l', USER_PIN.slice(-1));
    tmux('send-keys', '-t', session, 'Enter');
    const screen = await screenUntil(session, (s) => s.includes('EXIT='));
    expect(screen).toContain('"keyCheckLoggedIn": true');
    expect(screen).not.toContain(USER_PIN);
    expect(screen).not.toContain(typo);
  } finally {
    tmux('kill-session', '-t', session);
  }
});
