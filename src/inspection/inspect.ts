/**
 * From what a token holds to the campaign's verdict on each certificate. Pure: the token has been
 * read, the registry is a lookup, and the time is given.
 */
import type { Campaign } from '../campaign/campaign.js';
import { campaignOf, campaignRenewing, issuerKeyIdOf, type CampaignSet } from '../campaign/campaigns.js';
import { parseCertificate, type CertificateFacts } from '../pki/certificate.js';
import { DerError, type DerProblem } from '../pki/der.js';
import { decide, type Decision } from '../campaign/decide.js';
import type { CertificateKey, SubscriberRecord } from '../campaign/registry.js';
import type { TokenContents } from '../token/read.js';
import type { TokenSummary } from '../token/slots.js';

export type Role = 'end-entity' | 'ca';

export interface InspectedCertificate {
  readonly facts: CertificateFacts;
  readonly id: Buffer;
  readonly label: string;
  readonly role: Role;
  readonly hasPrivateKey: boolean;
  readonly issuedByOldCa: boolean;
  /**
   * The campaign whose dates judged it: the one whose old CA key signed it, else the set's first
   * (the decision then names none). Null for CA certificates.
   */
  readonly judgedBy: Campaign | null;
  /** Null for CA certificates. */
  readonly decision: Decision | null;
  /** The registry's row the decision read; null for CA certificates and unknown serials. */
  readonly subscriber: SubscriberRecord | null;
  /** Set on a certificate this kiosk put on the token in place of an old one (and the new CA signed). */
  readonly renewed: RenewedFrom | null;
}

export interface RenewedFrom {
  readonly oldSerial: string;
  readonly at: Date;
}

export interface UnreadableObject {
  readonly label: string;
  readonly error: 'CERTIFICATE_UNPARSEABLE';
  /** What is wrong with its DER (src/pki/der.ts's DER_PROBLEMS). */
  readonly problem: DerProblem;
}

export interface Inspection {
  readonly token: TokenSummary;
  readonly keyCheckLoggedIn: boolean;
  readonly certificates: readonly InspectedCertificate[];
  readonly unreadable: readonly UnreadableObject[];
  /** The certificate capbu would renew, or null. */
  readonly candidate: InspectedCertificate | null;
}

/** The registry row for an old certificate (issuer key and serial). */
export type SubscriberLookup = (key: CertificateKey) => SubscriberRecord | null;
/** The finished renewal that issued this serial, as the kiosk's store remembers it. */
export type RenewalLookup = (certificate: Uint8Array) => RenewedFrom | null;

/** What the rollout plan needs from the kiosk: the token's hardware version, and overrides it holds. */
export interface RolloutFacts {
  /** The device catalogue's label for the token, else the token's own version. */
  readonly tokenHardwareVersion?: string | null;
  /** Whether a verified supervisor's override covers the certificate with this serial in this campaign. */
  readonly overridden?: (campaign: string, serial: string) => boolean;
}

export function inspect(
  contents: TokenContents,
  campaigns: CampaignSet,
  lookup: SubscriberLookup,
  now: Date,
  renewedFrom: RenewalLookup = () => null,
  rollout: RolloutFacts = {},
): Inspection {
  // Logged in, only a private key proves the key is there; without a PIN, its public half is the evidence.
  const evidence = new Set(
    contents.keys
      .filter((k) => k.keyClass === (contents.loggedIn ? 'private' : 'public'))
      .map((k) => k.publicKeyId)
      .filter((id) => id !== null),
  );
  const certificates: InspectedCertificate[] = [];
  const unreadable: UnreadableObject[] = [];
  for (const object of contents.certificates) {
    let facts: CertificateFacts;
    try {
      facts = parseCertificate(object.value);
    } catch (error) {
      // Listed as unreadable; what breaks its DER goes to --json for whoever looks into it.
      unreadable.push({ label: object.label, error: 'CERTIFICATE_UNPARSEABLE', problem: error instanceof DerError ? error.problem : 'structure' });
      continue;
    }
    const hasPrivateKey = facts.publicKeyId !== null && evidence.has(facts.publicKeyId);
    const role: Role = facts.isCa ? 'ca' : 'end-entity';
    const issuer = role === 'ca' ? null : campaignOf(campaigns, facts);
    // Waves reuse serials: the registry row is the one under the old CA key that signed it.
    const subscriber = role === 'ca' ? null : lookup({ issuerKeyId: issuerKeyIdOf(issuer), serial: facts.serial });
    const renewed = role === 'ca' ? null : renewedFrom(facts.der);
    const judgedBy = role === 'ca' ? null : (issuer ?? campaigns.campaigns[0]);
    certificates.push({
      facts,
      id: object.id,
      label: object.label,
      role,
      hasPrivateKey,
      issuedByOldCa: issuer !== null,
      judgedBy,
      decision:
        judgedBy &&
        decide(
              { certificate: facts, subscriber, hasPrivateKey, tokenHardwareVersion: rollout.tokenHardwareVersion, rolloutOverride: issuer !== null && (rollout.overridden?.(issuer.id, facts.serial) ?? false) },
              judgedBy,
              now,
              undefined,
              issuer !== null,
            ),
      subscriber,
      renewed: renewed && campaignRenewing(campaigns, facts.der) ? renewed : null,
    });
  }
  const endEntities = certificates.filter((c) => c.role === 'end-entity');
  const candidate = endEntities.find((c) => c.decision?.eligible) ?? endEntities.find((c) => c.issuedByOldCa) ?? null;
  return { token: contents.token, keyCheckLoggedIn: contents.loggedIn, certificates, unreadable, candidate };
}
