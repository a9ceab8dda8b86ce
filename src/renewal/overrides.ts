/**
 * The supervisors' overrides this kiosk holds: those in its settings and one typed for this
 * command (`--override`). Each is checked offline with the centre's override key from the
 * settings; one typed that does not hold is refused outright, so the agent hears it at once.
 */
import type { Campaign } from '../campaign/campaign.js';
import { claimedSerial, overrideVerifyKey, verifyOverride, type RolloutOverride } from '../campaign/override.js';
import { CapbuError } from '../errors.js';
import type { KioskSettings } from '../store/settings.js';

export interface HeldOverrides {
  /** The checked override for a certificate, and its text to send with the renewal. */
  readonly find: (serial: string) => { readonly override: RolloutOverride; readonly text: string } | null;
  readonly overridden: (serial: string) => boolean;
}

export function heldOverrides(settings: Pick<KioskSettings, 'overrideKey' | 'rolloutOverrides'>, typed: string | undefined, campaign: Campaign, now: Date): HeldOverrides {
  const key = settings.overrideKey ? overrideVerifyKey(settings.overrideKey) : null;
  const held = new Map<string, { override: RolloutOverride; text: string }>();
  const check = (text: string) => {
    const serial = claimedSerial(text);
    if (!key) throw new CapbuError('OVERRIDE_INVALID', { problem: 'no-key' });
    if (serial === null) throw new CapbuError('OVERRIDE_INVALID', { problem: 'form' });
    held.set(serial, { override: verifyOverride(text, key, { campaign: campaign.id, serial }, now), text: text.trim() });
  };
  for (const text of settings.rolloutOverrides) {
    try {
      check(text);
    } catch {
      // One left in the settings after it expired, or for another campaign, lets nothing through.
    }
  }
  if (typed !== undefined) check(typed);
  return { find: (serial) => held.get(serial) ?? null, overridden: (serial) => held.has(serial) };
}
