/** What the routes share: the store, the campaign, the issuer, the centre's clock and its limits. */
import type { IssuanceContext } from './renewal.js';
import type { EventQuota } from './storage/event-chain.js';

export interface RateLimit {
  readonly max: number;
  readonly timeWindow: number;
}

export interface CentralServices extends IssuanceContext {
  readonly limits: {
    /** Per kiosk, on every authenticated route. */
    readonly kiosk: RateLimit;
    /** Per client address, on enrolment (the only route without a credential). */
    readonly enrolment: RateLimit;
    /** Journal events stored per kiosk. */
    readonly events: EventQuota;
  };
}
