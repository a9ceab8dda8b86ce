/**
 * A known certificate's standing, decided once with decide() — the rule the kiosks and issuance
 * use, taking the key as present (only a kiosk can see it) — instead of at every report. The
 * decision is taken at the dawn of time, so it holds whenever the renewal it would grant has not
 * run out: "eligible now" is then `eligibleUntil > now`, a comparison the database can count.
 */
import { createHash } from 'node:crypto';
import type { Campaign } from '../../campaign/campaign.js';
import { decide } from '../../campaign/decide.js';
import { parseCertificate } from '../../pki/certificate.js';
import { rememberingCalendar } from '../remembering-calendar.js';
import { NO_PROVINCE, type Judge } from '../storage/progress-plans.js';
import type { CentralStore } from '../storage/store.js';

const DAWN = new Date(0);

/** What the standings depend on in a campaign: another fingerprint means every certificate is decided again. */
export function campaignFingerprint(campaign: Campaign): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        campaign.id,
        campaign.timeZone,
        campaign.capDate,
        campaign.issuedBefore,
        Buffer.from(campaign.oldCa.facts.der).toString('base64'),
        campaign.newCa.facts.notAfter.toISOString(),
      ]),
    )
    .digest('hex');
}

export function judgeFor(campaign: Campaign): Judge {
  const calendar = rememberingCalendar(campaign.timeZone);
  return ({ der, subscriber, renewed }) => {
    const province = subscriber?.province ?? NO_PROVINCE;
    if (renewed) return { province, eligibleUntil: null, renewed: true };
    let certificate;
    try {
      certificate = parseCertificate(der);
    } catch {
      return { province, eligibleUntil: null, renewed: false }; // add-certs stores only what parsed
    }
    const decision = decide({ certificate, subscriber, hasPrivateKey: true }, campaign, DAWN, calendar);
    return { province, eligibleUntil: decision.eligible ? decision.renewalNotAfter!.toISOString() : null, renewed: false };
  };
}

/** Decides every certificate whose standing is pending; the progress reads call it first, so they are never behind. */
export function refreshStandings(store: CentralStore, campaign: Campaign): Promise<number> {
  return store.refreshStandings(campaignFingerprint(campaign), judgeFor(campaign));
}
