/**
 * The supervisors' overrides this kiosk holds: those in its settings and one typed for this
 * command (`--override`). Each is checked offline with the centre's override key from the
 * settings; one typed that does not hold is refused outright, so the agent hears it at once.
 */
import { campaignById, type CampaignSet } from '../campaign/campaigns.js';
import { claimedFor, overrideVerifyKey, verifyOverride, type RolloutOverride } from '../campaign/override.js';
import { CapbuError } from '../errors.js';
import type { KioskSettings } from '../store/settings.js';

/**
 * An override names its campaign and the certificate's serial: waves reuse serials, so both find
 * it (the campaign is the one whose old CA key signed the certificate).
 */
export interface HeldOverrides {
  /** The checked override for a certificate, and its text to send with the renewal. */
  readonly find: (campaign: string, serial: string) => { readonly override: RolloutOverride; readonly text: string } | null;
  readonly overridden: (campaign: string, serial: string) => boolean;
}

export function heldOverrides(
  settings: Pick<KioskSettings, 'overrideKey' | 'rolloutOverrides'>,
  typed: string | undefined,
  campaigns: CampaignSet,
  now: Date,
): HeldOverrides {
  const key = settings.overrideKey ? overrideVerifyKey(settings.overrideKey) : null;
  const held = new Map<string, { override: RolloutOverride; text: string }>();
  const at = (campaign: string, serial: string) => `${campaign}/${serial}`;
  const check = (text: string) => {
    const claimed = claimedFor(text);
    if (!key) throw new CapbuError('OVERRIDE_INVALID', { problem: 'no-key' });
    if (claimed === null) throw new CapbuError('OVERRIDE_INVALID', { problem: 'form' });
    // Any campaign of the set: the decision asks for the one the certificate belongs to.
    if (!campaignById(campaigns, claimed.campaign)) throw new CapbuError('OVERRIDE_INVALID', { problem: 'campaign' });
    held.set(at(claimed.campaign, claimed.serial), { override: verifyOverride(text, key, claimed, now), text: text.trim() });
  };
  for (const text of settings.rolloutOverrides) {
    try {
      check(text);
    } catch {
      // One left in the settings after it expired, or for another campaign, lets nothing through.
    }
  }
  if (typed !== undefined) check(typed);
  return { find: (campaign, serial) => held.get(at(campaign, serial)) ?? null, overridden: (campaign, serial) => held.has(at(campaign, serial)) };
}
