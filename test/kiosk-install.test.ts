/**
 * kiosk/install.sh and uninstall.sh into throw-away roots (DESTDIR): idempotent, everything added
 * removed again, the data kept unless --purge; the units pass systemd-analyze verify, every script
 * passes shellcheck, the udev rules parse.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { softHsmConfig } from '../src/demo/softhsm.js';
import { DEVICES } from '../src/token/catalogue.js';

const KIOSK = fileURLToPath(new URL('../kiosk/', import.meta.url));
const CHECKOUT = fileURLToPath(new URL('../', import.meta.url));

function sh(script: string, args: string[], env: NodeJS.ProcessEnv, kiosk = KIOSK) {
  const result = spawnSync('bash', [join(kiosk, script), ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** Every path under the root with its mode and content (file contents hashed by length and text). */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = statSync(path);
      if (relative(root, path).split('/').includes('app')) continue; // the app tree is compared by its stamp
      out.set(relative(root, path), st.isDirectory() ? `d ${st.mode.toString(8)}` : `f ${st.mode.toString(8)} ${readFileSync(path, 'utf8')}`);
      if (st.isDirectory()) walk(path);
    }
  };
  walk(root);
  return out;
}

function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'capbu-destdir-'));
  mkdirSync(join(root, 'etc', 'systemd'), { recursive: true });
  writeFileSync(join(root, 'etc', 'hostname'), 'quay-01\n');
  mkdirSync(join(root, 'usr', 'local', 'bin'), { recursive: true });
  writeFileSync(join(root, 'usr', 'local', 'bin', 'other-tool'), '#!/bin/sh\n');
  return root;
}

describe('kiosk/install.sh on a store machine (DESTDIR)', () => {
  it('installs, changes nothing when run again, and uninstalls back to the root as it was', () => {
    const root = freshRoot();
    const before = snapshot(root);
    sh('install.sh', [], { DESTDIR: root });
    const installed = snapshot(root);
    for (const path of ['opt/capbu/app/dist/cli/bin.js', 'usr/local/bin/capbu', 'etc/capbu/capbu.env', 'etc/udev/rules.d/70-capbu-tokens.rules', 'etc/systemd/system/capbu-kiosk.service', 'etc/systemd/system/capbu-sync.service']) {
      expect(statSync(join(root, path)).isFile(), path).toBe(true);
    }
    expect((statSync(join(root, 'var/lib/capbu')).mode & 0o777).toString(8)).toBe('700');
    // Dev dependencies are not installed; the ones capbu runs with are.
    expect(readdirSync(join(root, 'opt/capbu/app/node_modules'))).not.toContain('vitest');
    expect(readdirSync(join(root, 'opt/capbu/app/node_modules'))).toContain('pkcs11js');

    sh('install.sh', [], { DESTDIR: root });
    expect(snapshot(root)).toEqual(installed);

    // The kiosk's data is kept…
    writeFileSync(join(root, 'var/lib/capbu/capbu.db'), 'the store');
    sh('uninstall.sh', [], { DESTDIR: root });
    const kept = snapshot(root);
    expect(kept.get('var/lib/capbu/capbu.db')).toBe(`f 100644 the store`);
    for (const [path, value] of before) expect(kept.get(path)).toBe(value);
    expect([...kept.keys()].filter((p) => !before.has(p)).every((p) => p === 'var' || p.startsWith('var/lib'))).toBe(true);

    // …until a purge, after which the root is exactly as it was, even across a reinstall.
    sh('install.sh', [], { DESTDIR: root });
    sh('uninstall.sh', ['--purge'], { DESTDIR: root });
    expect(snapshot(root)).toEqual(before);
  });

  it('replaces the installed app when any built file changed, not only the entry point (an update)', () => {
    // A checkout of its own, built, whose build the test can change: the scripts, the build, the
    // lock and the dependencies (hard links where the file system allows: nothing is written to them).
    const checkout = mkdtempSync(join(tmpdir(), 'capbu-checkout-'));
    try {
      for (const part of ['kiosk', 'dist', 'package.json', 'package-lock.json', 'README.md']) cpSync(join(CHECKOUT, part), join(checkout, part), { recursive: true });
      if (spawnSync('cp', ['-al', join(CHECKOUT, 'node_modules'), join(checkout, 'node_modules')]).status !== 0) {
        cpSync(join(CHECKOUT, 'node_modules'), join(checkout, 'node_modules'), { recursive: true, verbatimSymlinks: true });
      }
      const root = freshRoot();
      const kiosk = join(checkout, 'kiosk');
      sh('install.sh', [], { DESTDIR: root }, kiosk);
      const installed = join(root, 'opt/capbu/app/dist/token/module.js');
      expect(readFileSync(installed, 'utf8')).toBe(readFileSync(join(checkout, 'dist/token/module.js'), 'utf8'));
      appendFileSync(join(checkout, 'dist/token/module.js'), '// the update\n');
      sh('install.sh', [], { DESTDIR: root }, kiosk);
      expect(readFileSync(installed, 'utf8')).toMatch(/\/\/ the update\n$/);
      sh('uninstall.sh', ['--purge'], { DESTDIR: root }, kiosk);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  it('writes units that systemd-analyze verify accepts, and an installed app that runs', () => {
    const root = freshRoot();
    sh('install.sh', [], { DESTDIR: root });
    const units = mkdtempSync(join(tmpdir(), 'capbu-units-'));
    for (const unit of ['capbu-kiosk.service', 'capbu-sync.service']) {
      // Verify checks the executables exist: point at the wrapper in the throw-away root.
      const text = readFileSync(join(root, 'etc/systemd/system', unit), 'utf8').replaceAll('/usr/local/bin/capbu', join(root, 'usr/local/bin/capbu'));
      writeFileSync(join(units, unit), text);
    }
    const verify = spawnSync('systemd-analyze', ['verify', join(units, 'capbu-kiosk.service'), join(units, 'capbu-sync.service')], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const kiosk = readFileSync(join(root, 'etc/systemd/system/capbu-kiosk.service'), 'utf8');
    expect(kiosk).toMatch(/^TTYPath=\/dev\/tty1$/m);
    expect(kiosk).toMatch(/^Restart=on-failure$/m);
    expect(kiosk).toMatch(/^User=capbu$/m);

    // The pruned app still loads its native modules: list the tokens of an empty SoftHSM2.
    const conf = softHsmConfig(mkdtempSync(join(tmpdir(), 'capbu-hsm-')));
    const out = execFileSync('node', [join(root, 'opt/capbu/app/dist/cli/bin.js'), 'tokens', '--json'], { env: { ...process.env, SOFTHSM2_CONF: conf, CAPBU_HOME: join(root, 'home') }, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
  });
});

describe('kiosk/install.sh --field-laptop', () => {
  it('installs for one user with a desktop launcher that opens a terminal, and no system units', () => {
    const root = freshRoot();
    const before = snapshot(root);
    const env = { DESTDIR: root, HOME: '/home/agent' };
    sh('install.sh', ['--field-laptop'], env);
    const desktop = readFileSync(join(root, 'home/agent/.local/share/applications/capbu.desktop'), 'utf8');
    expect(desktop).toMatch(/^Terminal=true$/m);
    expect(desktop).toMatch(/^Exec=\/home\/agent\/\.local\/bin\/capbu kiosk$/m);
    expect(statSync(join(root, 'home/agent/.local/bin/capbu')).mode & 0o111).not.toBe(0);
    expect([...snapshot(root).keys()].filter((p) => !before.has(p) && p !== 'home' && !p.startsWith('home/'))).toEqual([]);
    sh('uninstall.sh', ['--field-laptop', '--purge'], env);
    expect(snapshot(root)).toEqual(before);
  });
});

describe('scripts and rules', () => {
  it('every script in kiosk/ and every wrapper install writes passes shellcheck', () => {
    const root = freshRoot();
    sh('install.sh', [], { DESTDIR: root });
    const scripts = readdirSync(KIOSK).filter((f) => f.endsWith('.sh')).map((f) => join(KIOSK, f));
    expect(scripts.length).toBeGreaterThanOrEqual(6);
    const check = spawnSync('shellcheck', ['--severity=style', ...scripts, join(root, 'usr/local/bin/capbu')], { encoding: 'utf8' });
    expect(check.stdout).toBe('');
    expect(check.status).toBe(0);
  });

  it('the udev rules parse, give every catalogue device to group capbu, and nothing else', () => {
    const rules = execFileSync('node', [join(KIOSK, 'udev-rules.mjs')], { encoding: 'utf8' });
    const lines = rules.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    const KEY = /^(ACTION|SUBSYSTEM|ENV\{[A-Z_]+\}|ATTRS?\{[A-Za-z]+\}|MODE|GROUP|TAG)(==|!=|\+=|:=|=)"([^"\\]*)"$/;
    const ids: string[] = [];
    for (const line of lines) {
      const pairs = line.split(/,\s*/).map((part) => KEY.exec(part));
      expect(pairs.every((p) => p !== null), line).toBe(true);
      // Matches come before assignments, as udev reads them.
      const ops = pairs.map((p) => (p![2] === '==' || p![2] === '!=' ? 'match' : 'assign'));
      expect(ops.indexOf('assign')).toBeGreaterThan(ops.lastIndexOf('match'));
      const values = Object.fromEntries(pairs.map((p) => [p![1], p![3]]));
      expect(values['ATTR{idVendor}']).toMatch(/^[0-9a-f]{4}$/);
      expect(values.MODE).toBe('0660');
      expect(values.GROUP).toBe('capbu');
      ids.push(`${values['ATTR{idVendor}']}:${values['ATTR{idProduct}'] ?? '*'}`);
    }
    expect(ids.sort()).toEqual(DEVICES.map((d) => `${d.vendorId}:${d.productId}`).sort());
  });
});
