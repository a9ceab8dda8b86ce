/**
 * How the one-shot commands load a PKCS#11 module (src/token/timed-load.ts): in their own process,
 * off the main thread, with a timeout. The module is the shim in front of SoftHSM2, which logs
 * each C_Initialize with its process id and can be told to hang in it or to fail it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_SOFTHSM2, LOAD_TIMEOUT_MS } from '../src/token/module.js';
import { runCapbu } from './support/cli.js';
import { buildShim } from './support/shim.js';
import { NOW, makeWorld, type World } from './support/world.js';

const shim = buildShim();
let world: World;
beforeAll(async () => {
  world = await makeWorld();
}, 120_000);

let runs = 0;
/** The world's environment, the shim as the module, and a fresh C_Initialize log for this run. */
function through(extra: NodeJS.ProcessEnv = {}): { env: NodeJS.ProcessEnv; initialisedBy: () => string[] } {
  const log = join(world.dir, `init-${++runs}.log`);
  writeFileSync(log, '');
  const env = { ...process.env, ...world.env, CAPBU_PKCS11_MODULE: shim, CAPBU_SHIM_MODULE: DEBIAN_SOFTHSM2, CAPBU_SHIM_INIT_LOG: log, ...extra };
  return { env, initialisedBy: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

// Far longer than the load timeout and than the test's own: the command must neither wait it out
// nor, once it has given up, wait at exit for the thread still inside the module.
const HANGING = { CAPBU_SHIM_SLOW_INIT_MS: String(LOAD_TIMEOUT_MS * 40) };

describe('a module that loads', () => {
  it('is initialised once, by the command itself: no other process loads it first', async () => {
    world.newToken('load-once');
    const run = through();
    const result = await runCapbu(['check', '--token', 'load-once', '--json', '--now', NOW], { env: run.env });
    expect(result.stderr).not.toMatch(/capbu: [A-Z_]+:/);
    expect(JSON.parse(result.stdout).token.label).toBe('load-once');
    expect(run.initialisedBy()).toHaveLength(1);
  });

  it('is used when it answers slowly but within the timeout', async () => {
    world.newToken('load-slow');
    const run = through({ CAPBU_SHIM_SLOW_INIT_MS: '1500' });
    const result = await runCapbu(['tokens', '--json'], { env: run.env });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { label: string }[]).map((t) => t.label)).toContain('load-slow');
    expect(run.initialisedBy()).toHaveLength(1);
  });
});

describe('a module that hangs on load', () => {
  it('ends check with MODULE_LOAD_TIMEOUT, exit code 2, one line, and the error in the journal', async () => {
    const run = through(HANGING);
    const result = await runCapbu(['check', '--json', '--now', NOW, '--lang', 'en'], { env: run.env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^capbu: MODULE_LOAD_TIMEOUT: the PKCS#11 module ${shim} did not answer within ${LOAD_TIMEOUT_MS} ms of loading: [^\\n]+\\n$`));
    expect(run.initialisedBy()).toHaveLength(1);
    // The command's own error path ran (it was not cut short from outside): the journal has it.
    const journal = await runCapbu(['journal', '--json'], { env: { ...process.env, ...world.env } });
    const events = journal.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: { command?: string; code?: string } });
    expect(events.at(-1)).toMatchObject({ type: 'error', data: { command: 'check', code: 'MODULE_LOAD_TIMEOUT' } });
  }, 60_000);
});

describe('a module that does not load', () => {
  it('whose C_Initialize fails: MODULE_LOAD_FAILED on one line', async () => {
    const run = through({ SOFTHSM2_CONF: join(world.dir, 'no-such-softhsm2.conf') });
    const result = await runCapbu(['tokens', '--lang', 'en'], { env: run.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`capbu: MODULE_LOAD_FAILED: cannot load the PKCS#11 module ${shim}\n`);
    expect(run.initialisedBy()).toHaveLength(1);
  });

  it('that is no library at all: MODULE_LOAD_FAILED on one line', async () => {
    const junk = join(world.dir, 'junk.so');
    writeFileSync(junk, 'not an ELF file');
    const result = await runCapbu(['tokens', '--module', junk, '--lang', 'en'], { env: { ...process.env, ...world.env } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`capbu: MODULE_LOAD_FAILED: cannot load the PKCS#11 module ${junk}\n`);
  });

  it('that lacks C_GetFunctionList: MODULE_LOAD_FAILED on one line', async () => {
    const result = await runCapbu(['tokens', '--module', '/usr/lib/x86_64-linux-gnu/libz.so.1', '--lang', 'en'], { env: { ...process.env, ...world.env } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^capbu: MODULE_LOAD_FAILED: [^\n]+\n$/);
  });
});
