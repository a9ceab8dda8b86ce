/**
 * One renewal at the counter: decide, guard the PIN, have the centre issue for the customer's own
 * key, check what came back, and put it on the token. Every step is journaled before the next, so
 * a rerun after a crash, an unplugged token or a dead link finishes the same renewal.
 */
import { randomUUID } from 'node:crypto';
import { issuerKeyIdOf, campaignOf, type CampaignSet } from '../campaign/campaigns.js';
import { parseCertificate, type CertificateFacts } from '../pki/certificate.js';
import type { Channel, RenewalRequest } from '../central/api.js';
import { CapbuError } from '../errors.js';
import { inspect, type Inspection } from '../inspection/inspect.js';
import { lastCentreClock, recordCentreClock } from '../store/centre-clock.js';
import type { KioskSettings } from '../store/settings.js';
import type { Store } from '../store/store.js';
import { findSubscriber } from '../store/registry.js';
import {
  beginRenewal,
  dropRenewal,
  recordIssued,
  renewalById,
  renewalFor,
  setRenewalState,
  type RenewalRecord,
} from '../store/renewals.js';
import { requestOnToken } from '../token/csr.js';
import { checkpoint } from '../token/faults.js';
import type { Pkcs11 } from '../token/module.js';
import type { Pin } from '../token/pin.js';
import { readCertificates } from '../token/objects.js';
import { contentsOf, privateKeys, readToken, type TokenContents } from '../token/read.js';
import { closeSession, openSession, type Session } from '../token/session.js';
import { listTokens, selectToken, type TokenSummary } from '../token/slots.js';
import { decisionTime } from '../sync/centre-time.js';
import type { CentralClient } from '../sync/client.js';
import type { SyncContext } from '../sync/round.js';
import { rejection, sendRenewal, sleep, type RenewalSender } from '../sync/send-renewal.js';
import { checkIssued } from './check-issued.js';
import { install } from './install.js';
import { guardedLogin } from './pin-guard.js';
import { buildReceipt, saveReceipt, type Receipt } from './receipt.js';
import { Steps, type RenewalWatch } from './steps.js';
import { heldOverrides } from './overrides.js';
import { grantFor, type Grant } from '../campaign/decide.js';
import { appendEvent, journaled } from '../store/journal.js';

export interface RenewalContext {
  readonly lib: Pkcs11;
  readonly db: Store;
  readonly campaigns: CampaignSet;
  readonly client: RenewalSender;
  readonly settings: KioskSettings;
  readonly kiosk: { readonly id: string; readonly channel: Channel };
  readonly dataDir: string;
  readonly clock: () => Date;
  readonly wait?: (ms: number) => Promise<void>;
  /** The device catalogue's hardware-version label for the token in use, when it knows one. */
  readonly hardwareVersion?: string | null;
}

export interface RenewalAsk {
  readonly label?: string;
  /** Taken at the login: nothing in the flow holds the PIN after it. */
  readonly pin: Pin;
  readonly finalTryConfirmed: boolean;
  readonly operator: string;
  /** A supervisor's override typed for this renewal (`--override`), beside those in the settings. */
  readonly override?: string;
}

export type RenewOutcome =
  | {
      readonly status: 'renewed' | 'already-renewed';
      readonly oldSerial: string;
      readonly newSerial: string;
      readonly notAfter: Date;
      readonly certificate: Uint8Array;
      readonly receipt: Receipt | null;
      readonly receiptPath: string | null;
      /** The free compensation and the paid order's days, as the registry says now; null when already renewed. */
      readonly grant: Grant | null;
      /** The centre's clock differs from the kiosk's by more than five minutes. */
      readonly clockWarning: boolean;
    }
  | { readonly status: 'pending'; readonly oldSerial: string; readonly clockWarning: boolean }
  | { readonly status: 'not-eligible'; readonly inspection: Inspection; readonly clockWarning: boolean };

function eligible(inspection: Inspection): boolean {
  return inspection.candidate?.decision?.eligible === true;
}

function onlyMissingKey(inspection: Inspection): boolean {
  const reasons = inspection.candidate?.decision?.reasons ?? [];
  return reasons.length === 1 && reasons[0] === 'NO_PRIVATE_KEY';
}

/** The room a certificate object takes, with a margin for the token's own bookkeeping. */
const OBJECT_OVERHEAD = 512;

function finished(
  record: RenewalRecord,
  status: 'renewed' | 'already-renewed',
  extra: { receipt: Receipt | null; receiptPath: string | null; grant: Grant | null; clockWarning: boolean },
): RenewOutcome {
  const issued = parseCertificate(record.newCertificate!);
  return { status, oldSerial: record.oldSerial, newSerial: issued.serial, notAfter: issued.notAfter, certificate: issued.der, ...extra };
}

function certificatesOn(contents: ReturnType<typeof readToken>): Uint8Array[] {
  return contents.certificates.flatMap((object) => {
    try {
      return [parseCertificate(object.value).der];
    } catch {
      // An object that does not parse is no certificate to look up.
      return [];
    }
  });
}

/** Stops with TOKEN_FULL before anything is issued, where the token says how much room it has. */
function checkRoom(token: TokenSummary, old: CertificateFacts): void {
  if (token.freePublicMemory !== null && token.freePublicMemory < old.der.length + OBJECT_OVERHEAD) {
    throw new CapbuError('TOKEN_FULL', { free: token.freePublicMemory });
  }
}

async function newRequest(
  ctx: RenewalContext,
  session: Session,
  old: CertificateFacts,
  operator: string,
): Promise<{ request: RenewalRequest; keyId: Buffer }> {
  const key = privateKeys(session, readCertificates(session)).find((k) => k.publicKeyId !== null && k.publicKeyId === old.publicKeyId);
  if (!key) throw new CapbuError('KEY_NOT_FOUND');
  const csr = await requestOnToken(session, key, old);
  const token = session.token;
  const request = {
    idempotencyKey: randomUUID(),
    oldCertificate: Buffer.from(old.der).toString('base64'),
    csr: Buffer.from(csr).toString('base64'),
    token: { serial: token.serial, manufacturer: token.manufacturer, model: token.model, hardwareVersion: ctx.hardwareVersion ?? token.hardwareVersion },
    operator,
    channel: ctx.kiosk.channel,
  };
  return { request, keyId: key.id };
}

/**
 * Sends a saved request and stores the checked certificate. Returns the updated record, or null
 * when the centre stayed out of reach and the request waits in the queue.
 */
export async function answerRenewal(
  ctx: RenewalContext,
  record: RenewalRecord,
  steps = new Steps(),
): Promise<{ record: RenewalRecord; clockWarning: boolean } | null> {
  let attempt = 0;
  const client: RenewalSender = { renew: (request) => steps.run('send', () => ctx.client.renew(request), { attempt: ++attempt }) };
  const wait = (ms: number) => steps.run('wait', () => steps.pause(ms, ctx.wait ?? sleep), { attempt, waitMs: ms });
  const outcome = await sendRenewal(client, record.request, ctx.settings.retryDelaysMs, wait);
  if (outcome.kind === 'unreachable') {
    setRenewalState(ctx.db, record.id, 'queued', ctx.clock());
    return null;
  }
  if (outcome.kind === 'refused') {
    dropRenewal(ctx.db, record.id, outcome.error.code, ctx.clock());
    throw rejection(outcome.error);
  }
  checkpoint('answered');
  const { result } = outcome;
  return steps.run('receive', () => {
    const { skewMs } = result.time;
    if (skewMs !== null) recordCentreClock(ctx.db, { skewMs, observedAt: ctx.clock() });
    const der = new Uint8Array(Buffer.from(result.renewal.certificate, 'base64'));
    const issued = checkIssued(der, parseCertificate(record.oldCertificate), record.renewalNotAfter, ctx.campaigns);
    recordIssued(ctx.db, record.id, issued, der, ctx.clock());
    checkpoint('issued');
    return { record: renewalById(ctx.db, record.id)!, clockWarning: result.time.clockWarning };
  });
}

/**
 * What a sync round needs, with queued requests answered as a renewal answers them. Fields are
 * taken one by one: a context's token module is picked lazily, and a sync never needs it.
 */
export function syncContext(ctx: RenewalContext & { readonly client: CentralClient; readonly server: string }): SyncContext {
  return { db: ctx.db, client: ctx.client, server: ctx.server, clock: ctx.clock, answerRenewal: (record) => answerRenewal(ctx, record) };
}

/**
 * Renews the certificate on the token, telling `watch.onStep` each step (see steps.ts) and
 * stopping with CANCELLED where `watch.signal` asks it to and stopping is safe.
 */
export async function renew(ctx: RenewalContext, ask: RenewalAsk, watch: RenewalWatch = {}): Promise<RenewOutcome> {
  const steps = new Steps(watch);
  let outcome: RenewOutcome;
  try {
    outcome = await renewInSteps(ctx, ask, steps);
  } catch (error) {
    throw steps.fail(error);
  }
  if (outcome.status === 'not-eligible') steps.end('failed', 'NOT_ELIGIBLE');
  else steps.end(outcome.status === 'pending' ? 'queued' : 'done');
  return outcome;
}

async function renewInSteps(ctx: RenewalContext, ask: RenewalAsk, steps: Steps): Promise<RenewOutcome> {
  steps.checkpoint();
  const { token, contents, found } = await steps.run('read', () => {
    const token = selectToken(listTokens(ctx.lib), ask.label);
    const contents = readToken(ctx.lib, token);
    return { token, contents, found: renewalFor(ctx.db, certificatesOn(contents)) };
  });
  let record = found;
  if (record?.state === 'done') {
    return finished(record, 'already-renewed', { receipt: null, receiptPath: null, grant: null, clockWarning: false });
  }
  // While online, a kiosk whose clock is off decides with the centre's time.
  const decided = decisionTime(ctx.clock(), lastCentreClock(ctx.db));
  const overrides = heldOverrides(ctx.settings, ask.override, ctx.campaigns, decided.now);
  const rollout = { tokenHardwareVersion: ctx.hardwareVersion ?? token.hardwareVersion, overridden: overrides.overridden };
  const decide = (seen: TokenContents) => inspect(seen, ctx.campaigns, (key) => findSubscriber(ctx.db, key), decided.now, undefined, rollout);
  const refuse = (inspection: Inspection) => (eligible(inspection) ? undefined : 'NOT_ELIGIBLE' as const);
  // Without the PIN only public key objects vouch for the key, and many tokens hold none: a
  // missing key alone is settled after the login, from the private keys themselves.
  const before = record
    ? null
    : await steps.run('decide', () => decide(contents), { refuse: (i) => (onlyMissingKey(i) ? undefined : refuse(i)) });
  if (before && !eligible(before) && !onlyMissingKey(before)) {
    return { status: 'not-eligible', inspection: before, clockWarning: decided.clockWarning };
  }

  steps.checkpoint();
  const session = openSession(ctx.lib, token, true);
  try {
    await steps.run('pin', () =>
      guardedLogin(
        ctx.db,
        session,
        ask.pin,
        { limit: ctx.settings.pinTryLimit, finalTryConfirmed: ask.finalTryConfirmed, operator: ask.operator },
        ctx.clock(),
      ),
    );
    if (!record) {
      const inspection = eligible(before!) ? before! : await steps.run('decide', () => decide(contentsOf(session)), { refuse });
      if (!eligible(inspection)) return { status: 'not-eligible', inspection, clockWarning: decided.clockWarning };
      const { facts, decision } = inspection.candidate!;
      checkRoom(token, facts);
      steps.checkpoint();
      record = await steps.run('sign-request', async () => {
        const { request: asked, keyId } = await newRequest(ctx, session, facts, ask.operator);
        // The centre checks the override again: it goes with the request only where it was needed.
        const held = decision!.rollout?.overridden ? overrides.find(decision!.campaign!, facts.serial) : null;
        const request = held ? { ...asked, rolloutOverride: held.text } : asked;
        const begun = journaled(ctx.db, () => {
          const started = beginRenewal(
            ctx.db,
            { tokenSerial: token.serial, oldSerial: facts.serial, oldCertificate: facts.der, request, renewalNotAfter: decision!.renewalNotAfter!, keyId, campaign: decision!.campaign! },
            ctx.clock(),
          );
          if (held) {
            const { reason, issuedAt, expiresAt } = held.override;
            appendEvent(ctx.db, {
              type: 'rollout.overridden',
              operator: ask.operator,
              data: { oldSerial: facts.serial, hardwareVersion: decision!.rollout!.hardwareVersion ?? '', reason, issuedAt, expiresAt },
              at: ctx.clock(),
            });
          }
          return started;
        });
        checkpoint('journaled');
        return begun;
      });
    }
    const old = parseCertificate(record.oldCertificate);
    let clockWarning = decided.clockWarning;
    if (record.state === 'requested' || record.state === 'queued') {
      // Journaled: stopping here leaves a request that `capbu sync` or the next renewal sends.
      steps.checkpoint();
      const answered = await answerRenewal(ctx, record, steps);
      if (!answered) return { status: 'pending', oldSerial: old.serial, clockWarning };
      record = answered.record;
      clockWarning = answered.clockWarning;
    }
    // Nothing written yet: the issued certificate waits in the store for the next renewal.
    if (record.state === 'issued') steps.checkpoint();
    await install(ctx.db, session, record, ctx.clock, steps);
    const issued = parseCertificate(record.newCertificate!);
    const campaign = campaignOf(ctx.campaigns, old);
    const subscriber = findSubscriber(ctx.db, { issuerKeyId: issuerKeyIdOf(campaign), serial: old.serial });
    const grant = subscriber && campaign ? grantFor(subscriber, campaign).grant : null;
    const receipt = buildReceipt(old, issued, ctx.kiosk.id, ask.operator, ctx.clock(), grant);
    return finished(record, 'renewed', { receipt, receiptPath: saveReceipt(ctx.dataDir, receipt), grant, clockWarning });
  } finally {
    closeSession(session);
  }
}
