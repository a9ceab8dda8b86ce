/**
 * The plug/unplug stream on real SoftHSM2 tokens made and deleted by another process, with the
 * USB side given as a device list (the one fake: there is no USB here).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { softHsmConfig } from '../src/demo/softhsm.js';
import { catalogue } from '../src/token/catalogue.js';
import { DEBIAN_SOFTHSM2, holdModule, loadModule } from '../src/token/module.js';
import type { UsbDevice } from '../src/token/usb.js';
import { watchTokens, type TokenEvent, type TokenWatch, type WatchOptions } from '../src/token/watch.js';
import { plug, pull } from './support/plug.js';
import { buildShim } from './support/shim.js';

let dir: string;
let conf: string;
let tokenDir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'capbu-watch-'));
  conf = softHsmConfig(join(dir, 'hsm'));
  tokenDir = join(dir, 'hsm', 'tokens');
  process.env.SOFTHSM2_CONF = conf;
  // Loaded before any plug, as in a running kiosk: new tokens then need the re-initialisation.
  loadModule(DEBIAN_SOFTHSM2);
});

const EPASS: UsbDevice = { port: '1-1', vendorId: '096e', productId: '0807', manufacturer: 'FS', product: 'ePass2003', serial: null, classes: ['ccid'], inputOnly: false };
const KEYBOARD: UsbDevice = { port: '1-2', vendorId: '046d', productId: 'c31c', manufacturer: null, product: 'Keyboard', serial: null, classes: ['hid'], inputOnly: true };
const READER: UsbDevice = { port: '1-3', vendorId: '1234', productId: 'abcd', manufacturer: 'Acme', product: 'Reader', serial: null, classes: ['ccid'], inputOnly: false };

/** The store says its ePass2003s are Viettel "v5" and are served (here) by SoftHSM2. */
const VIETTEL = catalogue([{ vendorId: '096e', productId: '0807', vendor: 'Feitian', model: 'ePass2003', hardwareVersion: 'v5', usbClass: 'ccid', modules: [DEBIAN_SOFTHSM2] }]);

/** Collects a watch's events; `until` waits (without a timer of its own) for one that matches. */
function collect(watch: TokenWatch) {
  const events: TokenEvent[] = [];
  const waiters: { test: (e: TokenEvent) => boolean; resolve: (e: TokenEvent) => void }[] = [];
  void (async () => {
    for await (const event of watch) {
      events.push(event);
      for (const w of waiters.splice(0)) {
        if (w.test(event)) w.resolve(event);
        else waiters.push(w);
      }
    }
  })();
  return {
    events,
    until(test: (e: TokenEvent) => boolean): Promise<TokenEvent> {
      const found = events.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

const watches: TokenWatch[] = [];
function start(options: Partial<WatchOptions> & { devices?: () => readonly UsbDevice[] }) {
  const watch = watchTokens({ listDevices: options.devices ?? (() => []), intervalMs: 20, graceMs: 100, ...options });
  watches.push(watch);
  return collect(watch);
}
afterEach(async () => {
  for (const w of watches.splice(0)) await w.close();
});

describe('watchTokens on SoftHSM2', () => {
  it('sees a token made by another process after C_Initialize, and its deletion, in order', async () => {
    const seen = start({ modules: [DEBIAN_SOFTHSM2] });
    const folder = plug(conf, tokenDir, 'plug-1');
    const plugged = await seen.until((e) => e.type === 'plugged' && e.token.label === 'plug-1');
    expect(plugged).toMatchObject({ type: 'plugged', device: null, token: { label: 'plug-1', module: DEBIAN_SOFTHSM2, model: 'SoftHSM v2' } });
    pull(folder);
    await seen.until((e) => e.type === 'removed' && e.token?.label === 'plug-1');
    const mine = seen.events.filter((e) => (e.type === 'plugged' || e.type === 'removed') && e.token?.label === 'plug-1').map((e) => e.type);
    expect(mine).toEqual(['plugged', 'removed']);
  });

  it('pairs the token with its catalogued USB device and carries the catalogue\'s hardware version', async () => {
    let devices: readonly UsbDevice[] = [];
    const seen = start({ devices: () => devices, catalogue: VIETTEL, pcscdRunning: () => true });
    devices = [EPASS, KEYBOARD];
    const folder = plug(conf, tokenDir, 'viettel-1');
    const plugged = await seen.until((e) => e.type === 'plugged' && e.token.label === 'viettel-1');
    expect(plugged).toMatchObject({ device: { port: '1-1', vendorId: '096e', productId: '0807', hardwareVersion: 'v5', known: true }, token: { hardwareVersion: 'v5' } });
    pull(folder);
    devices = [KEYBOARD];
    const removed = await seen.until((e) => e.type === 'removed');
    expect(removed).toMatchObject({ token: { label: 'viettel-1' }, device: { port: '1-1' } });
    // The keyboard is never reported: it is not a token and not a candidate for the catalogue.
    expect(seen.events.some((e) => 'device' in e && e.device?.port === '1-2')).toBe(false);
  });

  it('tells a CCID device without a token apart: pcscd down, or no initialised token', async () => {
    let pcscd = false;
    const seen = start({ devices: () => [EPASS], catalogue: VIETTEL, pcscdRunning: () => pcscd });
    const first = await seen.until((e) => e.type === 'device-without-token');
    expect(first).toMatchObject({ device: { port: '1-1' }, why: { code: 'pcscd-not-running' } });
    pcscd = true;
    const second = await seen.until((e) => e.type === 'device-without-token' && e.why.code === 'token-not-initialised');
    expect(second).toMatchObject({ device: { port: '1-1' }, why: { module: DEBIAN_SOFTHSM2 } });
  });

  it('says which driver to install for a catalogued device whose modules are all missing', async () => {
    // The built-in entry's modules (OpenSC, Feitian's libcastle) under a platform with no paths at all.
    const seen = start({ devices: () => [EPASS], platform: 'aix' });
    const event = await seen.until((e) => e.type === 'device-without-token');
    expect(event).toMatchObject({ why: { code: 'driver-missing', install: 'apt-get install opensc-pkcs11 pcscd' }, device: { model: 'ePass2003', known: true } });
  });

  it('reports a device whose module does not load, and an unknown smart-card device with its ids', async () => {
    const broken = join(dir, 'broken-module.so');
    writeFileSync(broken, 'not a shared library');
    const cat = catalogue([{ vendorId: '096e', productId: '0807', vendor: 'Feitian', model: 'ePass2003', hardwareVersion: 'v5', usbClass: 'ccid', modules: [broken] }]);
    const seen = start({ devices: () => [EPASS, READER], catalogue: cat });
    const failed = await seen.until((e) => e.type === 'device-without-token' && e.device.port === '1-1');
    expect(failed).toMatchObject({ why: { code: 'module-failed', module: broken } });
    const unknown = await seen.until((e) => e.type === 'device-without-token' && e.device.port === '1-3');
    expect(unknown).toMatchObject({ why: { code: 'unknown-device' }, device: { vendorId: '1234', productId: 'abcd', known: false, hardwareVersion: null } });
  });

  it('gives up on a module that hangs on load: module-failed with the timeout, and the other module still watched', async () => {
    const shim = buildShim();
    // The probe's child process reads the shim's switches from the environment it inherits.
    process.env.CAPBU_SHIM_SLOW_INIT_MS = '60000';
    try {
      // Time enough for the probe's Node to start on a loaded machine, far less than the hang.
      const seen = start({ modules: [shim, DEBIAN_SOFTHSM2], loadTimeoutMs: 3000 });
      const failed = await seen.until((e) => e.type === 'module-failed');
      expect(failed).toMatchObject({ type: 'module-failed', module: shim, detail: 'timeout: 3000 ms' });
      const folder = plug(conf, tokenDir, 'beside-hung');
      await seen.until((e) => e.type === 'plugged' && e.token.label === 'beside-hung');
      pull(folder);
    } finally {
      delete process.env.CAPBU_SHIM_SLOW_INIT_MS;
    }
  });

  it('never re-initialises a module someone holds (an open session would be lost), and catches up after', async () => {
    const release = holdModule(DEBIAN_SOFTHSM2);
    const seen = start({ modules: [DEBIAN_SOFTHSM2] });
    const folder = plug(conf, tokenDir, 'held-1');
    // Proof by a later event: a token made after the hold shows only once the hold is released.
    const later = plug(conf, tokenDir, 'held-2');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.events.some((e) => e.type === 'plugged' && e.token.label.startsWith('held-'))).toBe(false);
    release();
    await seen.until((e) => e.type === 'plugged' && e.token.label === 'held-2');
    pull(folder);
    pull(later);
  });
});
