/**
 * Plugging and pulling tokens behind capbu's back, the SoftHSM2 way: a token made by another
 * process (softhsm2-util) is a plug, deleting its folder is a pull. And a sysfs tree with the USB
 * devices a test says are plugged in: the one fake (there is no USB on these machines).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeUsb {
  readonly vendorId: string;
  readonly productId: string;
  /** Interface classes as sysfs writes them: '0b' CCID, '03' HID. */
  readonly interfaces: readonly { cls: string; sub?: string; proto?: string }[];
  readonly product?: string;
}

/** Writes `<root>/bus/usb/devices` with a root hub and the devices given, replacing what was there. */
export function writeSysfs(root: string, devices: readonly FakeUsb[]): void {
  const base = join(root, 'bus', 'usb', 'devices');
  rmSync(base, { recursive: true, force: true });
  mkdirSync(join(base, 'usb1'), { recursive: true });
  writeFileSync(join(base, 'usb1', 'idVendor'), '1d6b\n');
  writeFileSync(join(base, 'usb1', 'idProduct'), '0002\n');
  devices.forEach((device, n) => {
    const port = `1-${n + 1}`;
    mkdirSync(join(base, port));
    writeFileSync(join(base, port, 'idVendor'), `${device.vendorId}\n`);
    writeFileSync(join(base, port, 'idProduct'), `${device.productId}\n`);
    if (device.product) writeFileSync(join(base, port, 'product'), `${device.product}\n`);
    device.interfaces.forEach((i, k) => {
      const dir = join(base, `${port}:1.${k}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'bInterfaceClass'), `${i.cls}\n`);
      writeFileSync(join(dir, 'bInterfaceSubClass'), `${i.sub ?? '00'}\n`);
      writeFileSync(join(dir, 'bInterfaceProtocol'), `${i.proto ?? '00'}\n`);
    });
  });
}

export const EPASS2003: FakeUsb = { vendorId: '096e', productId: '0807', interfaces: [{ cls: '0b' }], product: 'ePass2003' };
export const KEYBOARD: FakeUsb = { vendorId: '046d', productId: 'c31c', interfaces: [{ cls: '03', sub: '01', proto: '01' }] };
export const UNKNOWN_READER: FakeUsb = { vendorId: '1234', productId: 'abcd', interfaces: [{ cls: '0b' }] };

/** Makes a token in another process; returns its folder, to pull it with `pull`. */
export function plug(conf: string, tokenDir: string, label: string, pin = '123456'): string {
  const before = new Set(readdirSync(tokenDir));
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '87654321', '--pin', pin], { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'ignore' });
  const made = readdirSync(tokenDir).filter((name) => !before.has(name));
  if (made.length !== 1) throw new Error(`expected one new token folder, found ${made.length}`);
  return join(tokenDir, made[0]!);
}

/** Moves the folder out first (one atomic step), since a watching SoftHSM2 may be writing lock files in it. */
export function pull(folder: string): void {
  const gone = `${folder}.pulled`;
  renameSync(folder, gone);
  rmSync(gone, { recursive: true, force: true, maxRetries: 5 });
}
