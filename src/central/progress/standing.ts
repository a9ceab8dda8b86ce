/**
 * A known certificate's standing, decided once with decide() — the rule the kiosks and issuance
 * use, taking the key as present (only a kiosk can see it) — instead of at every report. The
 * decision is taken at the dawn of time, so it holds whenever the renewal it would grant has not
 * run out: "eligible now" is then `eligibleUntil > now`, a comparison the database can count.
 */
import { createHash } from 'node:crypto';
import type { Campaign } from '../../campaign/campaign.js';
import type { CampaignSet } from '../../campaign/campaigns.js';
import { decideAmong } from '../../campaign/decide.js';
import { parseCertificate } from '../../pki/certificate.js';
import { rememberingCalendar } from '../remembering-calendar.js';
import { NO_PROVINCE, type Judge } from '../storage/progress-plans.js';
import type { CentralStore } from '../storage/store.js';

const DAWN = new Date(0);

/** What the standings depend on in the campaigns: another fingerprint means every certificate is decided again. */
export function campaignFingerprint(campaigns: CampaignSet): string {
  return createHash('sha256')
    .update(JSON.stringify(campaigns.campaigns.map(fingerprintParts)))
    .digest('hex');
}

function fingerprintParts(campaign: Campaign) {
  return [
    campaign.id,
    campaign.timeZone,
    campaign.capDate,
    campaign.issuedBefore,
    Buffer.from(campaign.oldCa.facts.der).toString('base64'),
    campaign.newCa.facts.notAfter.toISOString(),
  ];
}

export function judgeFor(campaigns: CampaignSet): Judge {
  const calendars = new Map(campaigns.campaigns.map((c) => [c.id, rememberingCalendar(c.timeZone)]));
  const calendarOf = (c: Campaign) => calendars.get(c.id)!;
  return ({ der, subscriber, renewed }) => {
    const province = subscriber?.province ?? NO_PROVINCE;
    if (renewed) return { province, eligibleUntil: null, renewed: true };
    let certificate;
    try {
      certificate = parseCertificate(der);
    } catch {
      return { province, eligibleUntil: null, renewed: false }; // add-certs stores only what parsed
    }
    const decision = decideAmong({ certificate, subscriber, hasPrivateKey: true }, campaigns, DAWN, calendarOf);
    return { province, eligibleUntil: decision.eligible ? decision.renewalNotAfter!.toISOString() : null, renewed: false };
  };
}

/** Decides every certificate whose standing is pending; the progress reads call it first, so they are never behind. */
export function refreshStandings(store: CentralStore, campaigns: CampaignSet): Promise<number> {
  return store.refreshStandings(campaignFingerprint(campaigns), judgeFor(campaigns));
}
