/**
 * The USB tokens capbu knows: vendor:product id → vendor, model, hardware-version label, USB class
 * and the PKCS#11 module(s) that serve it. Each entry says where its facts come from; a store adds
 * or corrects entries in settings.json (`devices`) without a code change.
 */

/** How a module learns of tokens plugged in or pulled out after C_Initialize. */
export type PlugDetection =
  /** A fresh C_GetSlotList(true) shows the change (OpenSC through pcscd). */
  | 'poll'
  /** Only C_Finalize + C_Initialize shows the change (SoftHSM2; vendor modules that cache their slot list). */
  | 'reinitialise';

export type UsbClass = 'ccid' | 'hid';

export interface ModuleSpec {
  /** Short stable name, used by catalogue entries and settings. */
  readonly id: string;
  readonly name: string;
  /** Where the library lives, per platform (process.platform), first found wins. */
  readonly paths: Partial<Record<NodeJS.Platform, readonly string[]>>;
  /** What to install when none of the paths exists, for the "driver missing" line. */
  readonly install: string;
  readonly plug: PlugDetection;
  readonly source: string;
}

export interface DeviceEntry {
  /** Four lower-case hex digits. */
  readonly vendorId: string;
  /** Four lower-case hex digits, or '*' for every product of the vendor. */
  readonly productId: string;
  readonly vendor: string;
  readonly model: string;
  /** The label the rollout and the centre's report count by (Viettel's v2/v4/v5/v6 where known). */
  readonly hardwareVersion: string;
  readonly usbClass: UsbClass;
  /** Module ids (from MODULES) or absolute library paths, in order of preference. */
  readonly modules: readonly string[];
  /** Where this mapping comes from. */
  readonly source: string;
}

const CCID_LIST = 'libccid 1.5.2 Info.plist (Debian 12, /etc/libccid_Info.plist)';

export const MODULES: readonly ModuleSpec[] = [
  {
    id: 'opensc',
    name: 'OpenSC',
    paths: {
      linux: ['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so', '/usr/lib/opensc-pkcs11.so'],
      win32: ['C:\\Windows\\System32\\opensc-pkcs11.dll'],
      darwin: ['/Library/OpenSC/lib/opensc-pkcs11.so'],
    },
    install: 'apt-get install opensc-pkcs11 pcscd',
    plug: 'poll',
    source: 'Debian package opensc-pkcs11 0.23 file list; OpenSC wiki (Windows, macOS installers)',
  },
  {
    id: 'feitian-castle',
    name: 'Feitian ePass2003 middleware',
    paths: { linux: ['/usr/lib/libcastle.so.1.0.0', '/usr/local/lib/libcastle.so.1.0.0'] },
    install: "Feitian's ePass2003 Linux middleware (libcastle.so.1.0.0) from the token's vendor",
    plug: 'reinitialise',
    source: 'OpenSC issues on the ePass2003 naming Feitian\'s libcastle.so.1.0.0; its plug behaviour is not publicly documented, so capbu re-initialises it',
  },
  {
    id: 'safenet',
    name: 'SafeNet Authentication Client',
    paths: { linux: ['/usr/lib/libeToken.so', '/usr/lib/libeTPkcs11.so'] },
    install: 'SafeNet Authentication Client for Linux from the token\'s vendor (Thales)',
    plug: 'reinitialise',
    source: 'SafeNet Authentication Client Linux documentation (library names); plug behaviour not publicly documented',
  },
  {
    id: 'softhsm2',
    name: 'SoftHSM2',
    paths: { linux: ['/usr/lib/softhsm/libsofthsm2.so'] },
    install: 'apt-get install softhsm2',
    plug: 'reinitialise',
    source: 'measured here (stack-facts: new tokens only after C_Finalize + C_Initialize)',
  },
];

export const DEVICES: readonly DeviceEntry[] = [
  { vendorId: '096e', productId: '0807', vendor: 'Feitian', model: 'ePass2003', hardwareVersion: 'ePass2003', usbClass: 'ccid', modules: ['opensc', 'feitian-castle'], source: `${CCID_LIST}: "Feitian ePass2003"; OpenSC epass2003 driver` },
  { vendorId: '096e', productId: '080a', vendor: 'Feitian', model: 'ePass2003Auto', hardwareVersion: 'ePass2003Auto', usbClass: 'ccid', modules: ['opensc', 'feitian-castle'], source: `${CCID_LIST}: "FT ePass2003Auto"` },
  { vendorId: '0529', productId: '0620', vendor: 'SafeNet', model: 'eToken 5100', hardwareVersion: 'eToken 5100', usbClass: 'ccid', modules: ['safenet', 'opensc'], source: `${CCID_LIST}: "SafeNet eToken 5100"` },
  { vendorId: '08e6', productId: '34cc', vendor: 'SafeNet', model: 'eToken 5300', hardwareVersion: 'eToken 5300', usbClass: 'ccid', modules: ['safenet', 'opensc'], source: `${CCID_LIST}: "SafeNet eToken 5300"` },
  { vendorId: '08e6', productId: '34cf', vendor: 'SafeNet', model: 'eToken 5110+ FIPS', hardwareVersion: 'eToken 5110', usbClass: 'ccid', modules: ['safenet', 'opensc'], source: `${CCID_LIST}: "SafeNet eToken 5110+ FIPS"` },
  { vendorId: '163c', productId: '0407', vendor: 'Watchdata', model: 'USB Key', hardwareVersion: 'Watchdata', usbClass: 'ccid', modules: ['opensc'], source: `${CCID_LIST}: "Watchdata USB Key"; vendor module path not public: add it in settings` },
  { vendorId: '163c', productId: '0417', vendor: 'Watchdata', model: 'USB Key', hardwareVersion: 'Watchdata', usbClass: 'ccid', modules: ['opensc'], source: `${CCID_LIST}: "Watchdata USB Key"` },
  { vendorId: '163c', productId: '0418', vendor: 'Watchdata', model: 'USB Key', hardwareVersion: 'Watchdata', usbClass: 'ccid', modules: ['opensc'], source: `${CCID_LIST}: "Watchdata USB Key"` },
  { vendorId: '25dd', productId: '*', vendor: 'Bit4id', model: 'token', hardwareVersion: 'Bit4id', usbClass: 'ccid', modules: ['opensc'], source: `${CCID_LIST}: 15 Bit4id products under vendor 0x25DD` },
];

export interface Catalogue {
  readonly devices: readonly DeviceEntry[];
  readonly modules: readonly ModuleSpec[];
}

/** What settings.json may add: a device entry (its modules by id or by absolute path), source optional. */
export type DeviceSetting = Omit<DeviceEntry, 'source'> & {
  /** How a module named by path sees plug and unplug; re-initialising is the safe default. */
  readonly plug?: PlugDetection;
  readonly source?: string;
};

function hex4(value: string): string {
  return value.toLowerCase().replace(/^0x/, '').padStart(4, '0');
}

/** The built-in catalogue with the store's own entries first, so they correct built-in ones. */
export function catalogue(settings: readonly DeviceSetting[] = []): Catalogue {
  const added: DeviceEntry[] = settings.map((s) => ({
    vendorId: hex4(s.vendorId),
    productId: s.productId === '*' ? '*' : hex4(s.productId),
    vendor: s.vendor,
    model: s.model,
    hardwareVersion: s.hardwareVersion,
    usbClass: s.usbClass,
    modules: s.modules,
    source: s.source ?? 'settings.json',
  }));
  // A module named by its path in settings becomes a module of its own.
  const byPath: ModuleSpec[] = settings.flatMap((s) =>
    s.modules
      .filter((m) => m.includes('/') || m.includes('\\'))
      .map((path) => ({ id: path, name: path, paths: { [process.platform]: [path] }, install: path, plug: s.plug ?? 'reinitialise', source: 'settings.json' })),
  );
  return { devices: [...added, ...DEVICES], modules: [...byPath, ...MODULES] };
}

/** The entry for a device, exact product before a vendor-wide one. */
export function findDevice(cat: Catalogue, vendorId: string, productId: string): DeviceEntry | null {
  const v = hex4(vendorId);
  const p = hex4(productId);
  return cat.devices.find((d) => d.vendorId === v && d.productId === p) ?? cat.devices.find((d) => d.vendorId === v && d.productId === '*') ?? null;
}

export function findModule(cat: Catalogue, id: string): ModuleSpec | null {
  return cat.modules.find((m) => m.id === id) ?? null;
}

/** The module spec for a library path (a module given by --module or the env is treated as re-initialisable unless known). */
export function moduleForPath(cat: Catalogue, path: string): ModuleSpec {
  const known = cat.modules.find((m) => Object.values(m.paths).some((paths) => paths?.includes(path)));
  return known ?? { id: path, name: path, paths: { [process.platform]: [path] }, install: path, plug: 'reinitialise', source: '--module / CAPBU_PKCS11_MODULE' };
}
