/**
 * POST /v1/renewals without the HTTP: the centre decides again from its own registry and clock
 * (never trusting the kiosk's verdict), issues at most once per old certificate, and answers a
 * retry with what it answered the first time.
 */
import type { ZoneCalendar } from '../campaign/calendar.js';
import type { Campaign } from '../campaign/campaign.js';
import { campaignById, campaignOf, issuerKeyIdOf, type CampaignSet } from '../campaign/campaigns.js';
import type { CertificateFacts } from '../pki/certificate.js';
import { decideAmong } from '../campaign/decide.js';
import { CapbuError } from '../errors.js';
import type { KeyObject } from 'node:crypto';
import { verifyOverride } from '../campaign/override.js';
import type { IssuedCertificate, RenewalRequest } from './api.js';
import { issueCertificate, type Issuer } from './issue.js';
import { readRenewalRequest, sha256Hex } from './request.js';
import type { CentralStore, CertificateKey, IssuedRenewal, KioskRecord, RenewalClaim } from './storage/store.js';

export interface IssuanceContext {
  readonly store: CentralStore;
  readonly campaigns: CampaignSet;
  /** A campaign's zone, kept for the centre's life (src/central/remembering-calendar.ts). */
  readonly calendarOf: (campaign: Campaign) => ZoneCalendar;
  /** Each campaign's new CA, by campaign id. */
  readonly issuers: ReadonlyMap<string, Issuer>;
  readonly now: () => Date;
  /** How far before now the new certificate starts, absorbing kiosks' clock skew. */
  readonly backdateMs: number;
  /** Checks supervisors' overrides of the rollout plan; none: every override is refused. */
  readonly overrideKey?: KeyObject | null;
}

export type RenewalOutcome =
  | { readonly kind: 'issued'; readonly renewal: IssuedCertificate; readonly replayed: boolean }
  | { readonly kind: 'already-renewed'; readonly renewal: IssuedCertificate };

export function issuedReply(r: IssuedRenewal): IssuedCertificate {
  return {
    certificate: r.certificate,
    serial: r.serial,
    oldSerial: r.oldSerial,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    issuedAt: r.issuedAt,
  };
}

/** The request's identity for idempotency: every field, in a fixed order. */
export function requestHash(body: RenewalRequest): string {
  const t = body.token;
  return sha256Hex(
    JSON.stringify([
      body.idempotencyKey, body.oldCertificate, body.csr, t.serial, t.manufacturer, t.model, t.hardwareVersion, body.operator, body.channel,
      // Only when given, so requests from before overrides keep their hash.
      ...(body.rolloutOverride === undefined ? [] : [body.rolloutOverride]),
    ]),
  );
}

async function earlierAnswer(ctx: IssuanceContext, kiosk: KioskRecord, body: RenewalRequest, hash: string): Promise<RenewalOutcome | null> {
  const prior = await ctx.store.renewalByKey(kiosk.id, body.idempotencyKey);
  if (prior) {
    if (prior.requestHash !== hash) throw new CapbuError('IDEMPOTENCY_KEY_REUSED');
    return { kind: 'issued', renewal: issuedReply(prior), replayed: true };
  }
  const refused = await ctx.store.refusalHash(kiosk.id, body.idempotencyKey);
  if (refused !== null && refused !== hash) throw new CapbuError('IDEMPOTENCY_KEY_REUSED');
  return null;
}

/**
 * The answer when the old certificate already has a renewal: a retry of the request that made it
 * (which may have raced past the first check) gets it as issued; anyone else gets 409 with it.
 */
function answerWith(existing: IssuedRenewal, kiosk: KioskRecord, body: RenewalRequest, hash: string): RenewalOutcome {
  if (existing.kioskId === kiosk.id && existing.idempotencyKey === body.idempotencyKey) {
    if (existing.requestHash !== hash) throw new CapbuError('IDEMPOTENCY_KEY_REUSED');
    return { kind: 'issued', renewal: issuedReply(existing), replayed: true };
  }
  return { kind: 'already-renewed', renewal: issuedReply(existing) };
}

/**
 * Whether the request carries a supervisor's override this centre signed, for this certificate,
 * still valid. One that is not (forged, expired, another certificate's) is no override: the plan
 * decides, and a version not yet open is refused with ROLLOUT_NOT_OPEN like any other.
 */
function overrideHolds(ctx: IssuanceContext, body: RenewalRequest, certificate: CertificateFacts, campaign: Campaign | null, now: Date): boolean {
  if (body.rolloutOverride === undefined || !ctx.overrideKey) return false;
  // An override names the campaign it lets through: the one the certificate belongs to.
  if (!campaign) return false;
  try {
    verifyOverride(body.rolloutOverride, ctx.overrideKey, { campaign: campaign.id, serial: certificate.serial }, now);
    return true;
  } catch {
    // The refusal below says why the renewal is refused: the plan is not open for it.
    return false;
  }
}

/** Where the record of each CA signature goes: the service's log. */
export interface SignatureLog {
  info(details: object, message: string): void;
}

/** A claim this old, never finished, was left by a request that died (a crash mid-issuance). */
const CLAIM_ABANDONED_MS = 120_000;
/** How long a request that lost the claim waits for the winner's answer. */
const WINNER_WAIT_MS = 3000;

export async function answerRenewalRequest(
  ctx: IssuanceContext,
  kiosk: KioskRecord,
  body: RenewalRequest,
  log: SignatureLog,
): Promise<RenewalOutcome> {
  const hash = requestHash(body);
  const earlier = await earlierAnswer(ctx, kiosk, body, hash);
  if (earlier) return earlier;

  const request = await readRenewalRequest(body.oldCertificate, body.csr);
  const { facts } = request;

  // Waves reuse serials: the old certificate is its old CA key's, as its signature proves, and its serial.
  const found = campaignOf(ctx.campaigns, facts);
  const old = { issuerKeyId: issuerKeyIdOf(found), serial: facts.serial };
  const existing = await ctx.store.renewalOf(old);
  if (existing && existing.oldCertificateHash === request.oldHash) return answerWith(existing, kiosk, body, hash);

  const now = ctx.now();
  const subscriber = await ctx.store.subscriber(old);
  const decision = decideAmong(
    {
      certificate: facts,
      subscriber,
      hasPrivateKey: request.hasPrivateKey,
      tokenHardwareVersion: body.token.hardwareVersion,
      rolloutOverride: overrideHolds(ctx, body, facts, found, now),
    },
    ctx.campaigns,
    now,
    ctx.calendarOf,
    found,
  );
  const province = subscriber?.province ?? kiosk.province;
  if (!decision.eligible || !decision.renewalNotAfter) {
    // Certificates of other CAs are not the campaign's business: they stay out of its report.
    if (!decision.reasons.includes('NOT_ISSUED_BY_OLD_CA')) {
      await ctx.store.saveRefusal({
        kioskId: kiosk.id,
        idempotencyKey: body.idempotencyKey,
        requestHash: hash,
        oldSerial: facts.serial,
        reasons: decision.reasons,
        province,
        channel: body.channel,
        hardwareVersion: body.token.hardwareVersion,
        refusedAt: now.toISOString(),
      });
    }
    throw new CapbuError('NOT_ELIGIBLE', { reasons: decision.reasons });
  }

  const campaign = campaignById(ctx.campaigns, decision.campaign!)!;
  const issuer = ctx.issuers.get(campaign.id)!;
  const notBefore = new Date(Math.floor((now.getTime() - ctx.backdateMs) / 1000) * 1000);
  const notAfter = decision.renewalNotAfter;
  const claimedAt = new Date();
  const claim: RenewalClaim = {
    issuerKeyId: old.issuerKeyId,
    oldSerial: facts.serial,
    kioskId: kiosk.id,
    idempotencyKey: body.idempotencyKey,
    requestHash: hash,
    claimedAt: claimedAt.toISOString(),
    abandonedBefore: new Date(claimedAt.getTime() - CLAIM_ABANDONED_MS).toISOString(),
  };
  const outcome = await ctx.store.issueOnce(claim, async () => {
    const issued = await issueCertificate(issuer, { old: facts, notBefore, notAfter });
    const certificate = Buffer.from(issued.der).toString('base64');
    // A CA keeps a record of every certificate it signs, stored or not.
    log.info(
      { caSignature: { serial: issued.serial, oldSerial: facts.serial, kioskId: kiosk.id, sha256: sha256Hex(issued.der) } },
      'CA key signed a certificate',
    );
    return {
      issuerKeyId: old.issuerKeyId,
      oldSerial: facts.serial,
      oldCertificateHash: request.oldHash,
      kioskId: kiosk.id,
      idempotencyKey: body.idempotencyKey,
      requestHash: hash,
      serial: issued.serial,
      certificate,
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      issuedAt: now.toISOString(),
      issuedDay: ctx.calendarOf(campaign).dateOf(now),
      province,
      channel: body.channel,
      hardwareVersion: body.token.hardwareVersion,
      tokenSerial: body.token.serial,
      tokenManufacturer: body.token.manufacturer,
      tokenModel: body.token.model,
      operator: body.operator,
    };
  });
  if (outcome.kind === 'stored') return { kind: 'issued', renewal: issuedReply(outcome.renewal), replayed: false };
  return winnersAnswer(ctx, kiosk, body, hash, old);
}

/**
 * Another request holds the old certificate: its answer is whatever that request stores (the
 * same reply for a retry of this very request), once it has. A claim still unfinished after the
 * wait is answered with CENTRAL_BUSY, so the kiosk asks again a little later.
 */
async function winnersAnswer(ctx: IssuanceContext, kiosk: KioskRecord, body: RenewalRequest, hash: string, old: CertificateKey): Promise<RenewalOutcome> {
  const deadline = Date.now() + WINNER_WAIT_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    const raced = await earlierAnswer(ctx, kiosk, body, hash);
    if (raced) return raced;
    const winner = await ctx.store.renewalOf(old);
    if (winner) return answerWith(winner, kiosk, body, hash);
    if (Date.now() + wait > deadline) throw new CapbuError('CENTRAL_BUSY', { retryAfter: 1 });
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
