/**
 * bench/detect: how long from a token plugged in (or pulled out) to its event on the stream, on
 * SoftHSM2 behind a catalogued USB device. A plug is a token folder moved into SoftHSM2's token
 * directory, a pull the folder moved out (both one rename). The floor, in the same run: a tight
 * loop of re-initialise + slot scan, the soonest the module itself can show the change.
 * Target: every change known within 300 ms.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { softHsmConfig } from '../../src/demo/softhsm.js';
import { catalogue } from '../../src/token/catalogue.js';
import { DEBIAN_SOFTHSM2, loadModule, reinitialiseModule } from '../../src/token/module.js';
import { scanSlots } from '../../src/token/slots.js';
import type { UsbDevice } from '../../src/token/usb.js';
import { watchTokens, type TokenEvent } from '../../src/token/watch.js';
import { figures, ms, type Figures } from '../stats.js';

const ROUNDS = Number(process.env.BENCH_RUNS ?? 20);
const EPASS: UsbDevice = { port: '1-1', vendorId: '096e', productId: '0807', manufacturer: null, product: 'ePass2003', serial: null, classes: ['ccid'], inputOnly: false };

function shelf(count: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-bench-shelf-'));
  const conf = softHsmConfig(dir);
  for (let i = 0; i < count; i++) {
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', `bench-${i}`, '--so-pin', '87654321', '--pin', '123456'], { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'ignore' });
  }
  const tokens = join(dir, 'tokens');
  return readdirSync(tokens).map((name) => join(tokens, name));
}

function line(name: string, f: Figures): string {
  return `${name.padEnd(34)} median ${ms(f.median)}  p90 ${ms(f.p90)}  (${f.runs} runs)`;
}

async function main(): Promise<void> {
  const live = mkdtempSync(join(tmpdir(), 'capbu-bench-detect-'));
  process.env.SOFTHSM2_CONF = softHsmConfig(live);
  const tokenDir = join(live, 'tokens');
  const folders = shelf(ROUNDS);
  const lib = loadModule(DEBIAN_SOFTHSM2);

  // The floor: re-initialise and scan as fast as the module allows until the change shows.
  const floorPlug: number[] = [];
  const floorPull: number[] = [];
  for (const folder of folders.slice(0, Math.min(10, ROUNDS))) {
    const inside = join(tokenDir, 'floor');
    let start = performance.now();
    renameSync(folder, inside);
    for (;;) {
      reinitialiseModule(DEBIAN_SOFTHSM2);
      if (scanSlots(lib).tokens.length > 0) break;
    }
    floorPlug.push(performance.now() - start);
    start = performance.now();
    renameSync(inside, folder);
    for (;;) {
      reinitialiseModule(DEBIAN_SOFTHSM2);
      if (scanSlots(lib).tokens.length === 0) break;
    }
    floorPull.push(performance.now() - start);
  }

  const cat = catalogue([{ vendorId: '096e', productId: '0807', vendor: 'Feitian', model: 'ePass2003', hardwareVersion: 'v5', usbClass: 'ccid', modules: [DEBIAN_SOFTHSM2] }]);
  let devices: readonly UsbDevice[] = [];
  const watch = watchTokens({ listDevices: () => devices, catalogue: cat, pcscdRunning: () => true });
  const events = watch[Symbol.asyncIterator]();
  const next = async (type: TokenEvent['type']): Promise<TokenEvent> => {
    for (;;) {
      const { value, done } = await events.next();
      if (done) throw new Error('stream ended');
      if (value.type === type) return value;
    }
  };
  // Let the module's first load (probed in a child process) happen before timing.
  devices = [EPASS];
  await next('device-without-token');

  const plugs: number[] = [];
  const pulls: number[] = [];
  for (const folder of folders) {
    const inside = join(tokenDir, 'token');
    let start = performance.now();
    renameSync(folder, inside);
    await next('plugged');
    plugs.push(performance.now() - start);
    start = performance.now();
    renameSync(inside, folder);
    await next('removed');
    pulls.push(performance.now() - start);
  }
  await watch.close();

  const plug = figures(plugs);
  const pull = figures(pulls);
  const worst = Math.max(...plugs, ...pulls);
  console.log(line('floor: re-initialise + scan, plug', figures(floorPlug)));
  console.log(line('floor: re-initialise + scan, pull', figures(floorPull)));
  console.log(line('watchTokens: plug → plugged', plug));
  console.log(line('watchTokens: pull → removed', pull));
  console.log(`worst ${ms(worst)} against the 300 ms target: ${worst <= 300 ? 'met' : 'MISSED'}; ratio to floor (median plug) ${(plug.median / figures(floorPlug).median).toFixed(0)}×`);
}

await main();
