/**
 * Which PKCS#11 module a one-shot command (check, renew, tokens) uses: --module or the environment
 * when given, else the modules the catalogue names for the token devices plugged in and those of
 * the `modules` setting, the first that holds the token. Also the device's hardware-version label,
 * which the renewal request and the journal carry.
 */
import { CapbuError } from '../errors.js';
import { moduleForPath, type Catalogue } from './catalogue.js';
import { installedPath, placeDevice, type Placed } from './devices.js';
import { chosenModule, DEBIAN_SOFTHSM2, openModule, type Pkcs11 } from './module.js';
import { listTokens } from './slots.js';
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
  /** The `modules` setting: libraries to try whatever is plugged in, after the catalogue's. */
  readonly modules?: readonly string[];
}

function versionOf(placed: readonly Placed[]): string | null {
  const labels = new Set(placed.map((p) => p.device.hardwareVersion));
  return labels.size === 1 ? [...labels][0]! : null;
}

export function pickModule(options: PickOptions): Picked {
  const platform = options.platform ?? process.platform;
  const placed = (options.listDevices() ?? []).map((d) => placeDevice(options.catalogue, d, platform)).filter((p): p is Placed => p !== null);
  const chosen = chosenModule(options.flag, options.env);
  if (chosen) return { module: chosen, hardwareVersion: versionOf(placed.filter((p) => p.module === chosen)) };

  const served = placed.filter((p) => p.module !== null);
  if (served.length > 0) {
    const module = served[0]!.module!;
    return { module, hardwareVersion: versionOf(served.filter((p) => p.module === module)) };
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

export interface Opened extends Picked {
  readonly lib: Pkcs11;
}

/**
 * Where to look for tokens beyond --module and the environment: each catalogue module serving a
 * plugged device, then each of the `modules` setting (empty: pickModule's fallbacks apply).
 */
export function candidateModules(options: PickOptions): { readonly module: string; readonly hardwareVersion: string | null }[] {
  const platform = options.platform ?? process.platform;
  const served = (options.listDevices() ?? []).map((d) => placeDevice(options.catalogue, d, platform)).filter((p): p is Placed => p !== null && p.module !== null);
  const modules = [...new Set([...served.map((p) => p.module!), ...(options.modules ?? [])])];
  return modules.map((module) => ({ module, hardwareVersion: versionOf(served.filter((p) => p.module === module)) }));
}

/**
 * The module that holds the token (the one labelled `label`, else any), loaded with a timeout:
 * --module or the environment alone when given, and pickModule's choice without a `modules`
 * setting; else the first candidate that holds it. None holding it: the first that loaded, so the
 * command says there is no such token; none loading: why the first failed.
 */
export async function openTokenModule(options: PickOptions, label?: string): Promise<Opened> {
  if (chosenModule(options.flag, options.env) || (options.modules ?? []).length === 0) {
    const picked = pickModule(options);
    return { ...picked, lib: await openModule(picked.module) };
  }
  let first: Opened | null = null;
  let failure: unknown = null;
  for (const candidate of candidateModules(options)) {
    let lib: Pkcs11;
    try {
      lib = await openModule(candidate.module);
    } catch (error) {
      failure ??= error;
      continue;
    }
    const opened = { ...candidate, lib };
    first ??= opened;
    if (listTokens(lib).some((t) => label === undefined || t.label === label)) return opened;
  }
  if (first) return first;
  throw failure;
}
