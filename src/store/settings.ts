/**
 * The kiosk's own settings, in settings.json in its data directory, checked against
 * settings-schema.ts by its ahead-compiled validator (no schema compiled as a command starts).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CapbuError } from '../errors.js';
import type { DeviceSetting } from '../token/catalogue.js';
import type { ValidateFunction } from 'ajv';
import compiled from './settings-validate.js';

export interface KioskSettings {
  /** Wrong PINs after which a token is taken for locked; Viettel-CA tokens lock after 5. */
  readonly pinTryLimit: number;
  /** Waits between tries when the centre cannot be reached, before the request is queued. */
  readonly retryDelaysMs: readonly number[];
  /** Who works at this kiosk, for receipts and the centre's records; `--operator` overrides it. */
  readonly operator: string | null;
  /** Token models this store meets that capbu's built-in catalogue lacks or gets wrong. */
  readonly devices: readonly DeviceSetting[];
  /** PKCS#11 libraries to watch whatever is plugged in, beside the catalogue's. */
  readonly modules: readonly string[];
  /** The language of the kiosk app and the commands, unless --lang says otherwise. */
  readonly lang: 'vi' | 'en' | null;
  /** Customers work the kiosk themselves: no staff sign-in. */
  readonly selfService: boolean;
  /** Prints a receipt, given its path as the last argument (e.g. `lp -d quay1`); none: no printing. */
  readonly printCommand: string | null;
  /** What the kiosk tells a customer to call when something is wrong. */
  readonly supportLine: string;
  /** Events or renewals waiting longer than this for the centre make status, check and renew warn. */
  readonly unsyncedWarnHours: number;
  /** A registry copy older than this makes status, check and renew warn. */
  readonly registryMaxAgeDays: number;
  /**
   * The centre's override key (its public half: PEM or base64 of the DER): with it, a supervisor's
   * override of the rollout plan lets a renewal through; without it, none does.
   */
  readonly overrideKey: string | null;
  /** Overrides a supervisor sent to this kiosk (`CBO1.…`); each covers one certificate until it expires. */
  readonly rolloutOverrides: readonly string[];
}

export const DEFAULT_SETTINGS: KioskSettings = {
  pinTryLimit: 5,
  retryDelaysMs: [500, 2000, 5000],
  operator: null,
  devices: [],
  modules: [],
  lang: null,
  selfService: false,
  printCommand: null,
  supportLine: 'Tổng đài 18008000 nhánh 1',
  unsyncedWarnHours: 24,
  registryMaxAgeDays: 7,
  overrideKey: null,
  rolloutOverrides: [],
};

const validate = compiled as unknown as ValidateFunction;

/** Throws unless `data` passes the schema, naming every failing field (`\`pinTryLimit\` must be <= 15`). */
function check(data: unknown): void {
  if (validate(data)) return;
  const errors = (validate.errors ?? []).map(({ instancePath, message = '' }) => `\`${instancePath.slice(1)}\` ${message}`);
  throw new Error(`Config schema violation: ${errors.join('; ')}`);
}

/** settings.json as written, checked; none yet is no settings. */
function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null) as Record<string, unknown>;
    throw error;
  }
  const data: unknown = JSON.parse(text);
  check(data);
  return Object.assign(Object.create(null) as Record<string, unknown>, data);
}

/** The whole file replaced at once: a temporary file beside it, synced, renamed over it. */
function writeFile(path: string, store: Record<string, unknown>): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w', 0o666);
    try {
      writeFileSync(fd, JSON.stringify(store, undefined, '\t'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * The file's settings over the defaults, checked as a whole. A file that lacks some (none yet, or
 * written before a setting existed) is written back whole, so it shows every setting to whoever
 * opens it.
 */
function openSettings(dataDir: string): { path: string; store: Record<string, unknown> } {
  try {
    // The directory holds customers' data: 0700, not the umask's mode.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, 'settings.json');
    const file = readFile(path);
    const store = Object.assign(Object.create(null) as Record<string, unknown>, structuredClone(DEFAULT_SETTINGS), file);
    check(store);
    if (!isDeepStrictEqual(file, store)) writeFile(path, store);
    return { path, store };
  } catch (error) {
    throw new CapbuError('SETTINGS_INVALID', { path: dataDir, problem: (error as Error).message.split('\n')[0] }, { cause: error });
  }
}

export function loadSettings(dataDir: string): KioskSettings {
  return openSettings(dataDir).store as unknown as KioskSettings;
}

/**
 * Changes one setting, or puts it back to its default (`undefined`), checked against the same
 * schema loadSettings reads with; the file is written whole.
 */
export function changeSetting<K extends keyof KioskSettings>(dataDir: string, name: K, value: KioskSettings[K] | undefined): void {
  const { path, store } = openSettings(dataDir);
  store[name] = value === undefined ? DEFAULT_SETTINGS[name] : value;
  try {
    check(store);
    writeFile(path, store);
  } catch (error) {
    throw new CapbuError('SETTING_VALUE_INVALID', { name }, { cause: error });
  }
}
