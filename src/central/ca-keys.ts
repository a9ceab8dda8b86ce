/**
 * `--ca-key` given once per campaign: `ID=KEY`, or a bare `KEY` when the set holds one campaign
 * (the form from before campaign sets). A PKCS#11 URI holds `=` of its own, so `ID=` counts only
 * when ID is a campaign of the set.
 */
import type { CampaignSet } from '../campaign/campaigns.js';
import { CapbuError } from '../errors.js';

/** Each campaign's key (PEM path or pkcs11: URI), by campaign id. */
export function caKeysFor(campaigns: CampaignSet, values: readonly string[]): ReadonlyMap<string, string> {
  const ids = campaigns.campaigns.map((c) => c.id);
  const keys = new Map<string, string>();
  const bare: string[] = [];
  for (const value of values) {
    const cut = value.startsWith('pkcs11:') ? -1 : value.indexOf('=');
    const id = cut > 0 ? value.slice(0, cut) : null;
    if (id !== null && ids.includes(id)) keys.set(id, value.slice(cut + 1));
    else if (id !== null && ids.length > 1) throw new CapbuError('CA_KEY_CAMPAIGN_UNKNOWN', { id, campaigns: ids });
    else bare.push(value);
  }
  if (bare.length === 1 && ids.length === 1 && keys.size === 0) keys.set(ids[0]!, bare[0]!);
  for (const id of ids) if (!keys.has(id)) throw new CapbuError('CA_KEY_MISSING', { campaign: id });
  return keys;
}
