/** The kiosk's own settings, in settings.json in its data directory. */
import Conf from 'conf';
import { CapbuError } from '../errors.js';

export interface KioskSettings {
  /** Wrong PINs after which a token is taken for locked; Viettel-CA tokens lock after 5. */
  readonly pinTryLimit: number;
  /** Waits between tries when the centre cannot be reached, before the request is queued. */
  readonly retryDelaysMs: readonly number[];
  /** Who works at this kiosk, for receipts and the centre's records; `--operator` overrides it. */
  readonly operator: string | null;
  /** Events or renewals waiting longer than this for the centre make status, check and renew warn. */
  readonly unsyncedWarnHours: number;
  /** A registry copy older than this makes status, check and renew warn. */
  readonly registryMaxAgeDays: number;
}

const DEFAULTS: KioskSettings = {
  pinTryLimit: 5,
  retryDelaysMs: [500, 2000, 5000],
  operator: null,
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
      },
    });
    return conf.store;
  } catch (error) {
    throw new CapbuError('SETTINGS_INVALID', { path: dataDir, problem: (error as Error).message.split('\n')[0] }, { cause: error });
  }
}
