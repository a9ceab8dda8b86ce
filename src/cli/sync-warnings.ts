/** The warnings `capbu status`, `check` and `renew` print when the kiosk has been out of touch too long. */
import type { Translator } from '../i18n/catalog.js';
import type { KioskSettings } from '../store/settings.js';
import type { Store } from '../store/store.js';
import { loadCredential } from '../sync/credential.js';
import { kioskStatus, type KioskStatus } from '../sync/status.js';
import type { Context } from './context.js';
import { writeLine } from './context.js';

export function syncWarningLines(status: KioskStatus, settings: KioskSettings, t: Translator): string[] {
  return status.warnings.map((w) =>
    w === 'UNSYNCED'
      ? t.text('warnUnsynced', { hours: settings.unsyncedWarnHours, events: status.eventsPending, renewals: status.renewalsPending })
      : t.text('warnRegistryOld', { days: settings.registryMaxAgeDays }),
  );
}

/** On standard error, so `--json` output stays clean. */
export function printSyncWarnings(ctx: Context, db: Store, home: string, settings: KioskSettings, now: Date): void {
  let credential = null;
  try {
    credential = loadCredential(home);
  } catch {
    // Not enrolled: the registry warning still applies.
  }
  for (const line of syncWarningLines(kioskStatus(db, credential, settings, now), settings, ctx.t)) writeLine(ctx.stderr, `capbu: ${line}`);
}
