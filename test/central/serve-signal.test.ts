/**
 * `capbu central serve` stopped with SIGTERM the moment it says "listening on" (a service manager
 * or a script that waits for the line, then stops it): it shuts down cleanly, exit 0, instead of
 * dying of the signal. The signal races the command's own start-up, so each case is run several
 * times: one run that loses the race fails the test.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { makeCentralWorld, NOW, sqlitePath, type CentralWorld } from './fixtures.js';

let world: CentralWorld;
let env: NodeJS.ProcessEnv;
let dbs = 0;

beforeAll(async () => {
  world = await makeCentralWorld();
  env = { ...process.env, CAPBU_LANG: 'en', CAPBU_LOG_LEVEL: 'warn', CAPBU_CAMPAIGN: world.campaignPath, CAPBU_HOME: join(world.dir, 'operator-home') };
});

/** Starts serve, sends SIGTERM from the very callback that sees the line, and says how it ended. */
function termOnListening(extra: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const args = ['central', 'serve', '--ca-key', world.caKeyPath, '--db', sqlitePath(world, `signal-${++dbs}`), '--new-database', '--listen', '127.0.0.1:0', '--now', NOW.toISOString(), ...extra];
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d) => {
    stderr += d;
    if (!sent && stderr.includes('listening on')) {
      sent = true;
      child.kill('SIGTERM');
    }
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

it('exits 0 on a SIGTERM sent as soon as "listening on" is printed', async () => {
  for (let run = 0; run < 8; run++) {
    const ended = await termOnListening([]);
    expect(ended.stderr).toContain('listening on');
    expect({ run, code: ended.code, signal: ended.signal }).toEqual({ run, code: 0, signal: null });
  }
}, 180_000);

it('exits 0 on such a SIGTERM with --workers 2, its workers stopped too', async () => {
  for (let run = 0; run < 3; run++) {
    const ended = await termOnListening(['--workers', '2']);
    expect({ run, code: ended.code, signal: ended.signal }).toEqual({ run, code: 0, signal: null });
    // No worker is left serving on the address the primary announced.
    const url = /listening on (http:\/\/\S+)/.exec(ended.stderr)![1]!;
    await expect(fetch(`${url}/v1/status`)).rejects.toThrow();
  }
}, 180_000);
