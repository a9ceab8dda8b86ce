/**
 * What the kiosk app's engine (the core, off the render thread) tells the screens, and what the
 * screens ask of it. Plain data only: it crosses a worker boundary by structured clone, and the
 * screens hold no business rules, only these facts as the core decided them.
 */
import type { ReasonCode, WarningCode } from '../campaign/decide.js';
import type { ErrorCode, ErrorDetails } from '../errors.js';
import type { Language } from '../i18n/catalog.js';
import type { Why } from '../token/watch.js';

/**
 * A renewal of this token left unfinished at this kiosk: saved to send when the link is back, its
 * new certificate issued and waiting to be written on the token, or stopped part way (a crash, a pull).
 */
export type UnfinishedRenewal = 'queued' | 'issued' | 'interrupted';

export interface DecisionView {
  /** The campaign whose old CA key signed the certificate; null when none did. */
  readonly campaign: string | null;
  readonly eligible: boolean;
  readonly reasons: readonly ReasonCode[];
  /** ISO 8601 UTC; null unless eligible. */
  readonly renewalNotAfter: string | null;
  /** The free compensation and the paid order's days; null unless eligible. */
  readonly parts?: GrantView | null;
  readonly warnings?: readonly WarningCode[];
  /** Where the rollout plan stands for the token; null without a plan. */
  readonly rollout?: { readonly hardwareVersion: string | null; readonly opensOn: string | null; readonly overridden: boolean } | null;
}

/** A renewal's two parts (src/campaign/decide.ts Grant), dates as ISO UTC or calendar dates. */
export interface GrantView {
  readonly compensationDays: number;
  readonly compensationNotAfter: string;
  readonly paid: { readonly orderId: string; readonly paidUntil: string; readonly days: number; readonly cappedDays: number } | null;
}

export interface CertificateView {
  readonly serial: string;
  readonly subject: string;
  readonly commonName: string | null;
  readonly role: 'end-entity' | 'ca';
  /** ISO 8601 UTC. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** Null for CA certificates. */
  readonly decision: DecisionView | null;
  /** The campaign whose dates the decision used (see src/inspection/inspect.ts); null for CA certificates. */
  readonly judgedBy: CampaignView | null;
  /** The subscriber's contract end from the registry copy (a calendar date), when known. */
  readonly contractEnd: string | null;
  /** The tax code in the certificate, and the registry's for its serial, when known. */
  readonly taxCode: string | null;
  readonly registryTaxCode: string | null;
  /** Set on the certificate this kiosk issued in place of `oldSerial` (as `capbu check` reports it). */
  readonly renewed: { readonly oldSerial: string; readonly at: string } | null;
}

export interface PinView {
  readonly minLength: number;
  readonly maxLength: number;
  readonly countLow: boolean;
  readonly finalTry: boolean;
  readonly locked: boolean;
  /** Tries left by the kiosk's own count, when it has counted any wrong PIN. */
  readonly kioskTriesLeft: number | null;
}

export interface TokenView {
  /** Stable while the token stays plugged: the token serial. */
  readonly key: string;
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
  /** From the device catalogue (v2, v4, v5 …), when the device is known. */
  readonly hardwareVersion: string | null;
  readonly company: string | null;
  readonly taxCode: string | null;
  readonly pin: PinView;
  readonly certificates: readonly CertificateView[];
  /** Serial of the certificate capbu would renew, or null. */
  readonly candidate: string | null;
  /** A renewal of this token was started and not finished (queued, or interrupted). */
  readonly unfinished: UnfinishedRenewal | null;
  /** The kiosk's first campaign: its zone dates the screen. */
  readonly campaign: CampaignView;
}

export interface CampaignView {
  readonly id: string;
  readonly name: string;
  /** Calendar dates (yyyy-mm-dd) in the campaign's zone. */
  readonly capDate: string;
  readonly issuedBefore: string;
  readonly timeZone: string;
  /** The new CA certificate's end (ISO UTC), where a paid order is capped. */
  readonly newCaNotAfter?: string;
  /** What the kiosk tells a customer to call. */
  readonly supportLine?: string;
}

/** A USB device seen without a token, and why (src/token/watch.ts). */
export interface DeviceView {
  readonly port: string;
  /** vendor:product, lowercase hex. */
  readonly id: string;
  readonly name: string | null;
  readonly why: Why;
}

export interface StatusView {
  readonly kioskId: string | null;
  /** Null until the first contact was tried. */
  readonly online: boolean | null;
  readonly waitingEvents: number;
  readonly waitingRenewals: number;
  /** ISO 8601 UTC of the last successful contact. */
  readonly lastSyncAt: string | null;
  readonly registryAgeHours: number | null;
  readonly clockSkewWarning: boolean;
  readonly unsyncedWarning: boolean;
  readonly registryWarning: boolean;
}

/** A renewal step as the core reports it (src/renewal/steps.ts). */
export interface StepView {
  readonly name: string;
  readonly status: 'started' | 'done' | 'failed';
  /** Since the step started; how long it took once it ended. */
  readonly ms: number;
  readonly attempt?: number;
  readonly waitMs?: number;
}

export type OutcomeView =
  | {
      readonly status: 'renewed' | 'already-renewed';
      readonly oldSerial: string;
      readonly newSerial: string;
      readonly notAfter: string;
      readonly receiptPath: string | null;
      readonly timeZone: string;
      readonly parts?: GrantView | null;
    }
  | { readonly status: 'queued'; readonly oldSerial: string };

export interface ErrorView {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
}

export interface TodayView {
  readonly renewed: number;
  readonly queued: number;
  readonly notEligible: number;
  readonly failed: number;
}

export interface DemoCustomerView {
  /** The digit that plugs this customer's token. */
  readonly key: string;
  readonly name: string;
  /** Catalogue key of the situation this customer shows. */
  readonly situation: string;
  readonly plugged: boolean;
}

export interface DemoView {
  readonly customers: readonly DemoCustomerView[];
  readonly linkUp: boolean;
}

/** From the engine to the screens. */
export type EngineEvent =
  | { readonly type: 'ready'; readonly status: StatusView; readonly campaign: CampaignView }
  | { readonly type: 'tokens'; readonly tokens: readonly TokenView[] }
  | { readonly type: 'devices'; readonly devices: readonly DeviceView[] }
  | { readonly type: 'status'; readonly status: StatusView }
  | { readonly type: 'step'; readonly step: StepView }
  | { readonly type: 'outcome'; readonly outcome: OutcomeView }
  | { readonly type: 'failed'; readonly error: ErrorView; readonly pin: PinView | null }
  | { readonly type: 'today'; readonly today: TodayView }
  | { readonly type: 'demo'; readonly demo: DemoView }
  | { readonly type: 'printed'; readonly ok: boolean }
  /** The app's language as the `lang` setting now holds it, after a change was asked. */
  | { readonly type: 'language'; readonly language: Language }
  /** The engine could not start (campaign, store, settings): the app cannot run. */
  | { readonly type: 'fatal'; readonly error: ErrorView };

/** From the screens to the engine. The renewal's PIN travels beside the command, never in it. */
export type EngineCommand =
  | { readonly type: 'signIn'; readonly operator: string }
  | { readonly type: 'signOut' }
  /** Saves the `lang` setting (journaled as setting.changed); the engine answers with `language`. */
  | { readonly type: 'setLanguage'; readonly language: Language }
  | { readonly type: 'renew'; readonly tokenKey: string; readonly finalTry: boolean }
  | { readonly type: 'today' }
  | { readonly type: 'print'; readonly receiptPath: string }
  | { readonly type: 'demoPlug'; readonly key: string }
  | { readonly type: 'demoPull' }
  | { readonly type: 'demoLink' }
  | { readonly type: 'quit' };
