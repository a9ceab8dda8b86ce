/**
 * The USB devices plugged in, read from Linux sysfs (/sys/bus/usb/devices).
 *
 * Why sysfs rather than node-hid or the `usb` package: tokens come in two USB classes. node-hid
 * sees HID-class interfaces only, so the CCID tokens (ePass2003, eTokens, Watchdata, Bit4id) are
 * invisible to it. The `usb` package sees both but is a native libusb addon whose descriptors and
 * hot-plug need device nodes the kiosk user may not open, and it would contend with pcscd, which
 * holds the CCID interface. sysfs lists every device and interface class, readable by any user,
 * with nothing opened and nothing to compile; a readdir every poll costs tens of microseconds
 * (bench/detect). Off Linux there is no sysfs: the watcher then works from the PKCS#11 side alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UsbClass } from './catalogue.js';

export interface UsbDevice {
  /** The kernel's name for the port path (e.g. "1-1.2"): stable while the device stays plugged. */
  readonly port: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly manufacturer: string | null;
  readonly product: string | null;
  readonly serial: string | null;
  /** The token-relevant classes among its interfaces. */
  readonly classes: readonly UsbClass[];
  /** Only boot keyboards and mice among its HID interfaces: never a token, never reported as unknown. */
  readonly inputOnly: boolean;
}

/** Where the device list comes from; tests inject one (there is no USB here). */
export type ListDevices = () => readonly UsbDevice[] | null;

const CLASS_HID = '03';
const CLASS_CCID = '0b';

function read(dir: string, name: string): string | null {
  try {
    return readFileSync(join(dir, name), 'utf8').trim();
  } catch {
    // An attribute this device does not have (many have no serial), or a device pulled mid-read.
    return null;
  }
}

/** Devices under `<root>/bus/usb/devices`, or null where there is no sysfs (not Linux). */
export function sysfsDevices(root = '/sys'): readonly UsbDevice[] | null {
  const base = join(root, 'bus', 'usb', 'devices');
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    // No sysfs (not Linux): the caller works from the PKCS#11 side alone.
    return null;
  }
  const interfaces = new Map<string, { cls: string; sub: string; proto: string }[]>();
  for (const name of names) {
    const colon = name.indexOf(':');
    if (colon < 0) continue;
    const dir = join(base, name);
    const cls = read(dir, 'bInterfaceClass');
    if (cls === null) continue;
    const list = interfaces.get(name.slice(0, colon)) ?? [];
    list.push({ cls: cls.toLowerCase(), sub: read(dir, 'bInterfaceSubClass') ?? '', proto: read(dir, 'bInterfaceProtocol') ?? '' });
    interfaces.set(name.slice(0, colon), list);
  }
  const devices: UsbDevice[] = [];
  for (const name of names) {
    // Root hubs ("usb1") and interfaces ("1-1:1.0") are not devices a token can be.
    if (name.includes(':') || name.startsWith('usb')) continue;
    const dir = join(base, name);
    const vendorId = read(dir, 'idVendor');
    const productId = read(dir, 'idProduct');
    if (!vendorId || !productId) continue;
    const own = interfaces.get(name) ?? [];
    const hid = own.filter((i) => i.cls === CLASS_HID);
    const classes: UsbClass[] = [];
    if (own.some((i) => i.cls === CLASS_CCID)) classes.push('ccid');
    if (hid.length > 0) classes.push('hid');
    devices.push({
      port: name,
      vendorId: vendorId.toLowerCase(),
      productId: productId.toLowerCase(),
      manufacturer: read(dir, 'manufacturer'),
      product: read(dir, 'product'),
      serial: read(dir, 'serial'),
      classes,
      inputOnly: hid.length > 0 && classes.length === 1 && hid.every((i) => i.sub === '01' && (i.proto === '01' || i.proto === '02')),
    });
  }
  return devices.sort((a, b) => a.port.localeCompare(b.port));
}

/** The system's devices: sysfs at $CAPBU_SYSFS (a throw-away tree in tests and drills) or /sys. */
export function systemDevices(env: NodeJS.ProcessEnv = process.env): ListDevices {
  const root = env.CAPBU_SYSFS?.trim() || '/sys';
  return () => sysfsDevices(root);
}
