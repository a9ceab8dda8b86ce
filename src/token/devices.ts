/** A USB device matched to its catalogue entry and to the installed module that would serve it. */
import { existsSync } from 'node:fs';
import { findDevice, findModule, type Catalogue, type DeviceEntry, type ModuleSpec, type UsbClass } from './catalogue.js';
import type { UsbDevice } from './usb.js';

/** A device as the clerk and the journal see it. */
export interface DeviceView {
  readonly port: string;
  readonly vendorId: string;
  readonly productId: string;
  /** From the catalogue, else what the device says about itself. */
  readonly vendor: string | null;
  readonly model: string | null;
  /** The catalogue's hardware-version label; null for a device it does not know. */
  readonly hardwareVersion: string | null;
  readonly usbClass: UsbClass | null;
  readonly known: boolean;
}

export interface Placed {
  readonly device: DeviceView;
  readonly entry: DeviceEntry | null;
  /** The first installed library among the entry's modules, or null (driver missing). */
  readonly module: string | null;
  /** That module, or the first the entry names when none is installed (for what to install). */
  readonly spec: ModuleSpec | null;
}

/** The first installed library of a module, or null. */
export function installedPath(spec: ModuleSpec, platform: NodeJS.Platform = process.platform): string | null {
  return spec.paths[platform]?.find((p) => existsSync(p)) ?? null;
}

function view(device: UsbDevice, entry: DeviceEntry | null): DeviceView {
  return {
    port: device.port,
    vendorId: device.vendorId,
    productId: device.productId,
    vendor: entry?.vendor ?? device.manufacturer,
    model: entry?.model ?? device.product,
    hardwareVersion: entry?.hardwareVersion ?? null,
    usbClass: entry?.usbClass ?? device.classes[0] ?? null,
    known: entry !== null,
  };
}

/** Null for what cannot be a token: boot keyboards and mice, and devices of neither token class. */
export function placeDevice(cat: Catalogue, device: UsbDevice, platform: NodeJS.Platform = process.platform): Placed | null {
  const entry = findDevice(cat, device.vendorId, device.productId);
  if (!entry && (device.inputOnly || device.classes.length === 0)) return null;
  const specs = entry ? entry.modules.map((id) => findModule(cat, id)).filter((s): s is ModuleSpec => s !== null) : [];
  for (const spec of specs) {
    const path = installedPath(spec, platform);
    if (path) return { device: view(device, entry), entry, module: path, spec };
  }
  return { device: view(device, entry), entry, module: null, spec: specs[0] ?? null };
}
