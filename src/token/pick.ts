/**
 * Which PKCS#11 module a one-shot command (check, renew) uses: --module or the environment when
 * given, else the module the catalogue names for the token device plugged in. Also the device's
 * hardware-version label, which the renewal request and the journal carry.
 */
import { CapbuError } from '../errors.js';
import { moduleForPath, type Catalogue } from './catalogue.js';
import { installedPath, placeDevice, type Placed } from './devices.js';
import { chosenModule, DEBIAN_SOFTHSM2 } from './module.js';
import type { ListDevices } from './usb.js';

export interface Picked {
  readonly module: string;
  /** The catalogue's label for the device in use, or null (no catalogued device, or several). */
  readonly hardwareVersion: string | null;
}

export interface PickOptions {
  readonly flag: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly listDevices: ListDevices;
  readonly catalogue: Catalogue;
  readonly platform?: NodeJS.Platform;
}

function label(placed: readonly Placed[]): string | null {
  const labels = new Set(placed.map((p) => p.device.hardwareVersion));
  return labels.size === 1 ? [...labels][0]! : null;
}

export function pickModule(options: PickOptions): Picked {
  const platform = options.platform ?? process.platform;
  const placed = (options.listDevices() ?? []).map((d) => placeDevice(options.catalogue, d, platform)).filter((p): p is Placed => p !== null);
  const chosen = chosenModule(options.flag, options.env);
  if (chosen) return { module: chosen, hardwareVersion: label(placed.filter((p) => p.module === chosen)) };

  const served = placed.filter((p) => p.module !== null);
  if (served.length > 0) {
    const module = served[0]!.module!;
    return { module, hardwareVersion: label(served.filter((p) => p.module === module)) };
  }
  const known = placed.find((p) => p.entry !== null);
  if (known) {
    throw new CapbuError('DRIVER_MISSING', { device: `${known.device.vendor} ${known.device.model}`, install: known.spec?.install ?? known.entry!.modules.join(', ') });
  }
  const unknown = placed.find((p) => p.entry === null);
  if (unknown) throw new CapbuError('DEVICE_UNKNOWN', { ids: `${unknown.device.vendorId}:${unknown.device.productId}` });
  // No token device on USB: SoftHSM2 where it is installed (drills, the demo), else nothing to read.
  if (installedPath(moduleForPath(options.catalogue, DEBIAN_SOFTHSM2), platform)) return { module: DEBIAN_SOFTHSM2, hardwareVersion: null };
  throw new CapbuError('NO_TOKEN');
}
