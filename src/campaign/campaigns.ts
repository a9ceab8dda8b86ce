/**
 * The campaigns a kiosk or the centre runs at once: every re-key of the CA capped certificates
 * again, so a counter meets customers of several waves. A certificate belongs to the campaign
 * whose old CA key signed it; every wave's CA bears one name, so the name decides nothing.
 */
import { CapbuError } from '../errors.js';
import { isSignedBy, type CertificateFacts } from '../pki/certificate.js';
import type { Campaign } from './campaign.js';

export interface CampaignSet {
  /** In the order the files give them; the first one's dates judge a certificate none of them issued. */
  readonly campaigns: readonly [Campaign, ...Campaign[]];
}

/** CAMPAIGN_DUPLICATE_ID when two campaigns share an id: reports and the journal name campaigns by it. */
export function campaignSet(campaigns: readonly Campaign[]): CampaignSet {
  const [first, ...rest] = campaigns;
  if (!first) throw new CapbuError('CAMPAIGN_INVALID', { field: 'campaigns', problem: 'empty' });
  const seen = new Set<string>();
  for (const c of campaigns) {
    if (seen.has(c.id)) throw new CapbuError('CAMPAIGN_DUPLICATE_ID', { id: c.id });
    seen.add(c.id);
  }
  return { campaigns: [first, ...rest] };
}

/** The campaign whose old CA key signed the certificate, or null. */
export function campaignOf(set: CampaignSet, certificate: CertificateFacts): Campaign | null {
  return set.campaigns.find((c) => isSignedBy(certificate.der, c.oldCa.publicKey)) ?? null;
}

/** The campaign whose new CA key signed the certificate (a renewal), or null. */
export function campaignRenewing(set: CampaignSet, der: Uint8Array): Campaign | null {
  return set.campaigns.find((c) => isSignedBy(der, c.newCa.publicKey)) ?? null;
}

/**
 * The issuer key an old certificate is kept under: its campaign's old CA key's identifier, proven
 * by the signature (campaignOf); '' for a certificate none of the campaigns' old CAs signed.
 */
export function issuerKeyIdOf(campaign: Campaign | null): string {
  return campaign?.oldCa.keyId ?? '';
}

export function campaignById(set: CampaignSet, id: string): Campaign | null {
  return set.campaigns.find((c) => c.id === id) ?? null;
}

/** The zone for what belongs to no one campaign (the journal, today's counts): the first campaign's. */
export function homeZone(set: CampaignSet): string {
  return set.campaigns[0].timeZone;
}
