/**
 * What the kiosk checks in the centre's reply before it touches the customer's token: a wrong
 * certificate written there would leave the customer unable to sign.
 */
import { campaignOf, type CampaignSet } from '../campaign/campaigns.js';
import { isSignedBy, parseCertificate, type CertificateFacts } from '../pki/certificate.js';
import { CapbuError } from '../errors.js';

export const ISSUANCE_PROBLEMS = ['UNPARSEABLE', 'NOT_FROM_NEW_CA', 'OTHER_KEY', 'OTHER_SUBJECT', 'OTHER_VALIDITY'] as const;
export type IssuanceProblem = (typeof ISSUANCE_PROBLEMS)[number];

export function issuanceProblems(
  issued: Uint8Array,
  old: CertificateFacts,
  renewalNotAfter: Date,
  campaigns: CampaignSet,
): IssuanceProblem[] {
  let facts: CertificateFacts;
  try {
    facts = parseCertificate(issued);
  } catch {
    // Where the centre's bytes break is not the kiosk's to report: they are refused.
    return ['UNPARSEABLE'];
  }
  const problems: IssuanceProblem[] = [];
  // The new CA of the old certificate's own campaign: another wave's new CA is not the one asked.
  const campaign = campaignOf(campaigns, old);
  if (!campaign || !isSignedBy(issued, campaign.newCa.publicKey)) problems.push('NOT_FROM_NEW_CA');
  if (!Buffer.from(facts.spki).equals(Buffer.from(old.spki))) problems.push('OTHER_KEY');
  if (!Buffer.from(facts.subjectDer).equals(Buffer.from(old.subjectDer))) problems.push('OTHER_SUBJECT');
  if (facts.notAfter.getTime() !== Math.floor(renewalNotAfter.getTime() / 1000) * 1000) problems.push('OTHER_VALIDITY');
  return problems;
}

/** The new certificate's facts, or BAD_ISSUANCE naming every problem. */
export function checkIssued(issued: Uint8Array, old: CertificateFacts, renewalNotAfter: Date, campaigns: CampaignSet): CertificateFacts {
  const problems = issuanceProblems(issued, old, renewalNotAfter, campaigns);
  if (problems.length > 0) throw new CapbuError('BAD_ISSUANCE', { problems });
  return parseCertificate(issued);
}
