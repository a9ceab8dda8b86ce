/**
 * `capbu tokens --watch --json` as a clerk's machine runs it: USB devices from a sysfs tree (the
 * one fake), the catalogue extended from settings.json, and the device's module the shim in front
 * of SoftHSM2 — a module that only shows new tokens after re-initialisation.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { softHsmConfig } from '../src/demo/softhsm.js';
import { DEBIAN_SOFTHSM2 } from '../src/token/module.js';
import { BIN } from './support/cli.js';
import { EPASS2003, KEYBOARD, plug, pull, writeSysfs } from './support/plug.js';
import { buildShim } from './support/shim.js';

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the watch and hands back its JSON lines as they come. */
function watch(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, 'tokens', '--watch', '--json'], { env: { ...process.env, CAPBU_PKCS11_MODULE: '', CAPBU_LANG: 'en', ...env } });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      buffer = buffer.slice(nl + 1);
      for (const w of waiters.splice(0)) w();
    }
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    lines,
    exit,
    stderr: () => stderr,
    async until(test: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
      for (;;) {
        const found = lines.find(test);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    stop: () => child.kill('SIGTERM'),
  };
}

function world() {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-watch-cli-'));
  const conf = softHsmConfig(join(dir, 'hsm'));
  const home = join(dir, 'home');
  mkdirSync(home);
  return { dir, conf, home, tokens: join(dir, 'hsm', 'tokens'), sysfs: join(dir, 'sys') };
}

describe('capbu tokens --watch --json', () => {
  it('prints plug and unplug of a catalogued device served by a module that needs re-initialising, then stops on SIGTERM', async () => {
    const w = world();
    const shim = buildShim();
    writeFileSync(join(w.home, 'settings.json'), JSON.stringify({ devices: [{ vendorId: '096e', productId: '0807', vendor: 'Feitian', model: 'ePass2003', hardwareVersion: 'v5', usbClass: 'ccid', modules: [shim], source: 'store IT, 2026' }] }));
    writeSysfs(w.sysfs, [KEYBOARD]);
    const run = watch({ SOFTHSM2_CONF: w.conf, CAPBU_SHIM_MODULE: DEBIAN_SOFTHSM2, CAPBU_HOME: w.home, CAPBU_SYSFS: w.sysfs });
    // A token already made once the module is loaded: only a re-initialisation shows the next one.
    const first = plug(w.conf, w.tokens, 'before');
    writeSysfs(w.sysfs, [KEYBOARD, EPASS2003]);
    await run.until((l) => l.type === 'plugged');
    const folder = plug(w.conf, w.tokens, 'customer');
    pull(first);
    const plugged = await run.until((l) => l.type === 'plugged' && (l.token as { label: string }).label === 'customer');
    expect(plugged).toMatchObject({ token: { label: 'customer', hardwareVersion: 'v5', module: shim }, device: { vendorId: '096e', productId: '0807', port: '1-2', hardwareVersion: 'v5' } });
    pull(folder);
    writeSysfs(w.sysfs, [KEYBOARD]);
    await run.until((l) => l.type === 'removed' && (l.token as { label: string } | null)?.label === 'customer');
    run.stop();
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toBe('');
  });

  it('reports a module named in the environment that fails to initialise, and keeps watching', async () => {
    const w = world();
    // SoftHSM2 with a config file that is not there answers C_Initialize with CKR_GENERAL_ERROR.
    const run = watch({ SOFTHSM2_CONF: join(w.dir, 'missing.conf'), CAPBU_PKCS11_MODULE: DEBIAN_SOFTHSM2, CAPBU_HOME: w.home, CAPBU_SYSFS: w.sysfs });
    const failed = await run.until((l) => l.type === 'module-failed');
    expect(failed).toMatchObject({ module: DEBIAN_SOFTHSM2 });
    expect(String(failed.detail)).toContain('CKR_GENERAL_ERROR');
    run.stop();
    expect(await run.exit).toBe(0);
  });

  it('refuses settings whose devices entry is malformed, with one line', async () => {
    const w = world();
    writeFileSync(join(w.home, 'settings.json'), JSON.stringify({ devices: [{ vendorId: 'zz', productId: '0807' }] }));
    const run = watch({ CAPBU_HOME: w.home, CAPBU_SYSFS: w.sysfs });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/^capbu: SETTINGS_INVALID: .*\n$/);
  });
});
