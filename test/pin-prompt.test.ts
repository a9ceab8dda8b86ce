/**
 * A PIN typed at a real terminal (tmux): prompted on stderr, never echoed, Backspace works; keys
 * typed ahead of the prompt never show and are not taken for the PIN; Ctrl-C or Ctrl-D cancel;
 * and the terminal is left as it was found on every way out (issue 10, points 1 and 4).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentre, type TestCentre } from './support/centre.js';
import { BIN, runCapbu } from './support/cli.js';
import { eligibleCustomer } from './support/renewal.js';
import { buildShim } from './support/shim.js';
import { NOW, USER_PIN, makeWorld, type World } from './support/world.js';

let world: World;
let centre: TestCentre;
let shim: string;

beforeAll(async () => {
  world = await makeWorld();
  centre = await startTestCentre(world, new Date(NOW));
  shim = buildShim();
  writeFileSync(join(world.env.CAPBU_HOME!, 'settings.json'), JSON.stringify({ retryDelaysMs: [10] }));
  await world.subscriberToken('typed', { commonName: 'Công ty gõ PIN', taxCode: '0100000009' });
});

afterAll(async () => {
  await centre?.close();
});

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

async function until<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let sessions = 0;

/**
 * capbu in an 80×24 tmux pane; after it ends the pane's shell prints its exit code, the terminal's
 * echo and canonical-mode state, and any line the terminal still held for the shell to read.
 */
async function inTmux(args: string[], env: NodeJS.ProcessEnv, body: (pane: Pane) => Promise<void>): Promise<void> {
  const session = `capbu-pin-${process.pid}-${++sessions}`;
  const vars = Object.entries({ ...world.env, CI: 'false', ...env }).map(([k, v]) => `${k}='${v}'`).join(' ');
  const after = `echo EXIT=$?; echo TTY=$(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(echo|icanon)$' | sort | tr '\\n' ' '); read -t 1 LEFT; echo "LEFT=[$LEFT]"; sleep 30`;
  tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `env ${vars} ${process.execPath} ${BIN} ${args.join(' ')}; ${after}`);
  try {
    await body(new Pane(session));
  } finally {
    tmux('kill-session', '-t', session);
  }
}

class Pane {
  constructor(readonly session: string) {}
  /** Everything the pane showed, its scrollback included. */
  screen(): string {
    return tmux('capture-pane', '-t', this.session, '-p', '-S', '-');
  }
  waitFor(text: string): Promise<string> {
    return until(() => {
      const screen = this.screen();
      return screen.includes(text) && screen;
    }, `"${text}" on screen`);
  }
  type(text: string): void {
    tmux('send-keys', '-t', this.session, '-l', text);
  }
  key(...keys: string[]): void {
    tmux('send-keys', '-t', this.session, ...keys);
  }
  /** The capbu process: the only child of the pane's shell while it runs. */
  capbuPid(): number {
    const shell = tmux('display-message', '-p', '-t', this.session, '#{pane_pid}').trim();
    return Number(execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split('\n')[0]);
  }
  /** What the shell printed after capbu ended. */
  async ended(): Promise<{ screen: string; exit: string; tty: string; left: string }> {
    const screen = await this.waitFor('LEFT=[');
    return {
      screen,
      exit: /EXIT=(\d+)/.exec(screen)![1]!,
      tty: /TTY=(.*)/.exec(screen)![1]!.trim(),
      left: /LEFT=\[(.*)\]/.exec(screen)![1]!,
    };
  }
}

const COOKED = 'echo icanon';

function loginLog(): { env: NodeJS.ProcessEnv; logins: () => number } {
  const log = join(world.dir, `logins-${Math.random()}.log`);
  writeFileSync(log, '');
  return { env: { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_LOGIN_LOG: log }, logins: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

it('reads the PIN without echo at a terminal', async () => {
  await inTmux(['check', '--token', 'typed', '--pin-stdin', '--json', '--now', NOW], {}, async (pane) => {
    await pane.waitFor('Customer PIN');
    const typo = `${USER_PIN.slice(0, -1)}x`;
    pane.type(typo);
    pane.key('BSpace');
    pane.type(USER_PIN.slice(-1));
    pane.key('Enter');
    const { screen, tty } = await pane.ended();
    expect(screen).toContain('"keyCheckLoggedIn": true');
    expect(screen).not.toContain(USER_PIN);
    expect(screen).not.toContain(typo);
    expect(tty).toBe(COOKED);
  });
});

describe('typed ahead of the prompt', () => {
  it('a PIN typed while capbu renew is still starting never shows, is discarded with a notice, and the PIN typed at the prompt renews', async () => {
    const customer = await eligibleCustomer(world, centre, 'typeahead');
    // The campaign file on a slow disk: a FIFO beside the real one, fed only when the test says.
    const fifo = join(dirname(world.campaignPath), 'slow-campaign.json');
    execFileSync('mkfifo', [fifo]);
    const args = ['renew', '--token', customer.label, '--pin-stdin', '--json', '--now', NOW, '--campaign', fifo];
    await inTmux(args, {}, async (pane) => {
      // Resolves once capbu has opened the file for reading: it is starting, the prompt not yet shown.
      const writer = await open(fifo, 'w');
      pane.type(USER_PIN);
      pane.key('Enter');
      await new Promise((r) => setTimeout(r, 500));
      expect(pane.screen()).not.toContain(USER_PIN);
      await writer.writeFile(readFileSync(world.campaignPath));
      await writer.close();
      const prompted = await pane.waitFor('Customer PIN');
      expect(prompted).toContain('Keys typed before this prompt were discarded');
      expect(prompted).not.toContain(USER_PIN);
      pane.type(USER_PIN);
      pane.key('Enter');
      const { screen, exit, tty, left } = await pane.ended();
      expect(screen).toContain('"status": "renewed"');
      expect(exit).toBe('0');
      expect(screen).not.toContain(USER_PIN);
      expect(tty).toBe(COOKED);
      expect(left).toBe('');
    });
    expect(centre.issuedFor(customer.serial)).toBe(1);
  });

  it('Ctrl-C typed while capbu is starting cancels at the prompt: PIN_CANCELLED, nothing tried', async () => {
    const mark = join(world.dir, 'early-cancel.mark');
    const watched = loginLog();
    const env = { ...watched.env, CAPBU_SHIM_SLOW_INIT_MS: '2000', CAPBU_SHIM_INIT_MARK: mark };
    await inTmux(['check', '--token', 'typed', '--pin-stdin', '--now', NOW], env, async (pane) => {
      await until(() => existsSync(mark), 'the token module to start loading');
      pane.type('12');
      pane.key('C-c');
      const { screen, exit, tty } = await pane.ended();
      expect(screen).toContain('capbu: PIN_CANCELLED');
      expect(exit).toBe('2');
      expect(tty).toBe(COOKED);
    });
    expect(watched.logins()).toBe(0);
  });

  it('a command that stops before the prompt leaves nothing typed for the shell, and the terminal cooked', async () => {
    const mark = join(world.dir, 'early-stop.mark');
    const env = { CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_SLOW_INIT_MS: '2000', CAPBU_SHIM_INIT_MARK: mark };
    await inTmux(['check', '--token', 'no-such-token', '--pin-stdin', '--now', NOW], env, async (pane) => {
      await until(() => existsSync(mark), 'the token module to start loading');
      pane.type(USER_PIN);
      pane.key('Enter');
      const { screen, exit, tty, left } = await pane.ended();
      expect(screen).toContain('capbu: TOKEN_NOT_FOUND');
      expect(exit).toBe('2');
      expect(tty).toBe(COOKED);
      expect(left).toBe('');
      expect(screen).not.toContain(USER_PIN);
    });
  });
});

describe('leaving the prompt', () => {
  for (const [name, key] of [['Ctrl-C', 'C-c'], ['Ctrl-D', 'C-d']] as const) {
    it(`${name} at the prompt is PIN_CANCELLED, nothing tried, the terminal restored`, async () => {
      const watched = loginLog();
      await inTmux(['check', '--token', 'typed', '--pin-stdin', '--now', NOW], watched.env, async (pane) => {
        await pane.waitFor('Customer PIN');
        pane.type('12');
        pane.key(key);
        const { screen, exit, tty } = await pane.ended();
        expect(screen).toMatch(/capbu: PIN_CANCELLED: PIN entry cancelled; nothing was tried on the token/);
        expect(exit).toBe('2');
        expect(tty).toBe(COOKED);
      });
      expect(watched.logins()).toBe(0);
    });
  }

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} at the prompt leaves the terminal as it was`, async () => {
      await inTmux(['check', '--token', 'typed', '--pin-stdin', '--now', NOW], {}, async (pane) => {
        await pane.waitFor('Customer PIN');
        pane.type('12');
        process.kill(pane.capbuPid(), signal);
        const { exit, tty } = await pane.ended();
        expect(Number(exit)).toBeGreaterThan(128);
        expect(tty).toBe(COOKED);
      });
    });
  }

  it('renew without --pin-stdin says to add it', async () => {
    const result = await runCapbu(['renew', '--token', 'typed', '--now', NOW], { env: world.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("capbu: PIN_MISSING: the customer's PIN is needed: add --pin-stdin, then type it at the prompt or pipe it\n");
  });
});
