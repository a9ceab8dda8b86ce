/**
 * Where this kiosk stands with the centre: what waits to be sent and since when, how old the
 * registry copy is, the clock skew last seen. Past the configured limits it warns; check and
 * renew print the same warnings (warnings, never refusals: a field agent offline must still work).
 */
import { lastCentreClock } from '../store/centre-clock.js';
import { acknowledgedSeq, lastContact, lastSeq, unsentEvents } from '../store/journal.js';
import { registryCopy } from '../store/registry.js';
import { renewalBacklog } from '../store/renewals.js';
import type { KioskSettings } from '../store/settings.js';
import type { Store } from '../store/store.js';
import type { KioskCredential } from './credential.js';

export const SYNC_WARNINGS = ['UNSYNCED', 'REGISTRY_OLD'] as const;
export type SyncWarning = (typeof SYNC_WARNINGS)[number];

export interface KioskStatus {
  readonly kioskId: string | null;
  readonly centreUrl: string | null;
  readonly lastContactAt: string | null;
  readonly eventsPending: number;
  readonly oldestEventPendingAt: string | null;
  readonly acknowledgedSeq: number;
  readonly lastSeq: number;
  readonly renewalsPending: number;
  readonly oldestRenewalPendingAt: string | null;
  readonly registryVersion: number;
  readonly registryUpdatedAt: string | null;
  /** centre − kiosk in milliseconds, as last seen, and when. */
  readonly clockSkewMs: number | null;
  readonly clockSeenAt: string | null;
  readonly warnings: SyncWarning[];
}

const HOUR_MS = 3_600_000;
const iso = (at: Date | null) => at?.toISOString() ?? null;

export function kioskStatus(db: Store, credential: KioskCredential | null, settings: KioskSettings, now: Date): KioskStatus {
  const events = unsentEvents(db);
  const renewals = renewalBacklog(db);
  const registry = registryCopy(db);
  const clock = lastCentreClock(db);
  const waitingSince = [events.oldestAt, renewals.oldestAt].filter((d): d is Date => d !== null).map((d) => d.getTime());
  const warnings: SyncWarning[] = [];
  if (waitingSince.length > 0 && now.getTime() - Math.min(...waitingSince) > settings.unsyncedWarnHours * HOUR_MS) warnings.push('UNSYNCED');
  if (!registry.updatedAt || now.getTime() - registry.updatedAt.getTime() > settings.registryMaxAgeDays * 24 * HOUR_MS) warnings.push('REGISTRY_OLD');
  return {
    kioskId: credential?.kioskId ?? null,
    centreUrl: credential?.server ?? null,
    lastContactAt: iso(lastContact(db)),
    eventsPending: events.count,
    oldestEventPendingAt: iso(events.oldestAt),
    acknowledgedSeq: acknowledgedSeq(db),
    lastSeq: lastSeq(db),
    renewalsPending: renewals.count,
    oldestRenewalPendingAt: iso(renewals.oldestAt),
    registryVersion: registry.version,
    registryUpdatedAt: iso(registry.updatedAt),
    clockSkewMs: clock?.skewMs ?? null,
    clockSeenAt: iso(clock?.observedAt ?? null),
    warnings,
  };
}
