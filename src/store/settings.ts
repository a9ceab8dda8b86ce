/** The kiosk's own settings, in settings.json in its data directory. */
import { mkdirSync } from 'node:fs';
import Conf from 'conf';
import { CapbuError } from '../errors.js';
import type { DeviceSetting } from '../token/catalogue.js';

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

function openSettings(dataDir: string): Conf<KioskSettings> {
  try {
    // Conf would make the directory with the umask's mode; it holds customers' data, so 0700.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const conf = new Conf<KioskSettings>({
      projectName: 'capbu',
      cwd: dataDir,
      configName: 'settings',
      defaults: DEFAULT_SETTINGS,
      schema: {
        pinTryLimit: { type: 'integer', minimum: 1, maximum: 15 },
        retryDelaysMs: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 60_000 }, maxItems: 10 },
        operator: { type: ['string', 'null'], maxLength: 64 },
        modules: { type: 'array', maxItems: 10, items: { type: 'string', minLength: 1, maxLength: 300 } },
        lang: { enum: ['vi', 'en', null] },
        selfService: { type: 'boolean' },
        printCommand: { type: ['string', 'null'], minLength: 1, maxLength: 300 },
        supportLine: { type: 'string', minLength: 1, maxLength: 120 },
        unsyncedWarnHours: { type: 'integer', minimum: 1, maximum: 24 * 365 },
        registryMaxAgeDays: { type: 'integer', minimum: 1, maximum: 365 },
        overrideKey: { type: ['string', 'null'], minLength: 1, maxLength: 1000 },
        rolloutOverrides: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 1024 } },
        devices: {
          type: 'array',
          maxItems: 200,
          items: {
            type: 'object',
            required: ['vendorId', 'productId', 'vendor', 'model', 'hardwareVersion', 'usbClass', 'modules'],
            additionalProperties: false,
            properties: {
              vendorId: { type: 'string', pattern: '^(0x)?[0-9a-fA-F]{1,4}$' },
              productId: { type: 'string', pattern: '^((0x)?[0-9a-fA-F]{1,4}|\\*)$' },
              vendor: { type: 'string', minLength: 1, maxLength: 80 },
              model: { type: 'string', minLength: 1, maxLength: 80 },
              hardwareVersion: { type: 'string', minLength: 1, maxLength: 40 },
              usbClass: { enum: ['ccid', 'hid'] },
              modules: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'string', minLength: 1, maxLength: 300 } },
              plug: { enum: ['poll', 'reinitialise'] },
              source: { type: 'string', maxLength: 300 },
            },
          },
        },
      },
    });
    return conf;
  } catch (error) {
    throw new CapbuError('SETTINGS_INVALID', { path: dataDir, problem: (error as Error).message.split('\n')[0] }, { cause: error });
  }
}

export function loadSettings(dataDir: string): KioskSettings {
  return openSettings(dataDir).store;
}

/**
 * Changes one setting, or puts it back to its default (`undefined`), checked against the same
 * schema loadSettings reads with; conf writes the file whole (a temporary file renamed over it).
 */
export function changeSetting<K extends keyof KioskSettings>(dataDir: string, name: K, value: KioskSettings[K] | undefined): void {
  const conf = openSettings(dataDir);
  try {
    if (value === undefined) conf.reset(name);
    else conf.set(name, value);
  } catch (error) {
    throw new CapbuError('SETTING_VALUE_INVALID', { name }, { cause: error });
  }
}
