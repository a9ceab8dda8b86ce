/**
 * A known certificate's standing, decided once with decide() — the rule the kiosks and issuance
 * use, taking the key as present (only a kiosk can see it) — instead of at every report. The
 * decision is taken at the dawn of time, so of its reasons only time-bound ones can change later:
 * the rollout plan opening the token's version, and the grant running out. A certificate with no
 * other reason is eligible in a window: "eligible now" is `eligibleFrom <= now < eligibleUntil`,
 * comparisons the database can count.
 */
import { createHash } from 'node:crypto';
import type { Campaign } from '../../campaign/campaign.js';
import { decide, renewalNotAfter } from '../../campaign/decide.js';
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
        campaign.plan ?? null,
      ]),
    )
    .digest('hex');
}

export function judgeFor(campaign: Campaign): Judge {
  const calendar = rememberingCalendar(campaign.timeZone);
  return ({ der, subscriber, renewed }) => {
    const province = subscriber?.province ?? NO_PROVINCE;
    const notEligible = { province, eligibleFrom: null, eligibleUntil: null, renewed };
    if (renewed) return notEligible;
    let certificate;
    try {
      certificate = parseCertificate(der);
    } catch {
      return notEligible; // add-certs stores only what parsed
    }
    const input = { certificate, subscriber, hasPrivateKey: true };
    const decision = decide(input, campaign, DAWN, calendar);
    // At the dawn of time no plan is open yet: the plan's opening day for this token is the window's start.
    if (!subscriber || decision.reasons.some((r) => r !== 'ROLLOUT_NOT_OPEN')) return notEligible;
    const rollout = decision.rollout;
    if (rollout && rollout.opensOn === null) return notEligible;
    return {
      province,
      eligibleFrom: (rollout ? calendar.instantOf(rollout.opensOn!, [0, 0, 0]) : DAWN).toISOString(),
      eligibleUntil: renewalNotAfter(subscriber, campaign, calendar).toISOString(),
      renewed: false,
    };
  };
}

/** Decides every certificate whose standing is pending; the progress reads call it first, so they are never behind. */
export function refreshStandings(store: CentralStore, campaign: Campaign): Promise<number> {
  return store.refreshStandings(campaignFingerprint(campaign), judgeFor(campaign));
}
