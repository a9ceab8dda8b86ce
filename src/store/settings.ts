/** The kiosk's own settings, in settings.json in its data directory. */
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
  /** Events or renewals waiting longer than this for the centre make status, check and renew warn. */
  readonly unsyncedWarnHours: number;
  /** A registry copy older than this makes status, check and renew warn. */
  readonly registryMaxAgeDays: number;
}

const DEFAULTS: KioskSettings = {
  pinTryLimit: 5,
  retryDelaysMs: [500, 2000, 5000],
  operator: null,
  devices: [],
  unsyncedWarnHours: 24,
  registryMaxAgeDays: 7,
};

export function loadSettings(dataDir: string): KioskSettings {
  try {
    const conf = new Conf<KioskSettings>({
      projectName: 'capbu',
      cwd: dataDir,
      configName: 'settings',
      defaults: DEFAULTS,
      schema: {
        pinTryLimit: { type: 'integer', minimum: 1, maximum: 15 },
        retryDelaysMs: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 60_000 }, maxItems: 10 },
        operator: { type: ['string', 'null'] },
        unsyncedWarnHours: { type: 'integer', minimum: 1, maximum: 24 * 365 },
        registryMaxAgeDays: { type: 'integer', minimum: 1, maximum: 365 },
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
    return conf.store;
  } catch (error) {
    throw new CapbuError('SETTINGS_INVALID', { path: dataDir, problem: (error as Error).message.split('\n')[0] }, { cause: error });
  }
}
