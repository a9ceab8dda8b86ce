/**
 * What each type of event carries in `data`. Serials are lowercase hex as capbu prints them; times
 * ISO 8601 UTC. Never a PIN, nor its length.
 */
import type { EventType } from './format.js';

export interface EventDataByType {
  'check.decided': {
    tokenSerial: string;
    certificateSerial: string;
    /** The campaign whose old CA key signed the certificate; null when none did (journals before campaign sets: the one loaded). */
    campaign: string | null;
    eligible: boolean;
    reasons: string[];
  };
  'pin.failed': {
    tokenSerial: string;
    /** What the token's flags say: the next wrong PIN locks it, few tries are left, or nothing. */
    token: 'final-try' | 'count-low' | 'locked' | null;
    /** Wrong PINs the kiosk's own counter still allows before it takes the token for locked. */
    kioskRemaining: number;
  };
  /**
   * hardwareVersion: the device catalogue's label for the token, else the token's own version.
   * campaign: the campaign the decision named (absent in journals from before campaign sets).
   */
  'renewal.requested': { tokenSerial: string; oldSerial: string; idempotencyKey: string; hardwareVersion: string; campaign?: string };
  'renewal.queued': { oldSerial: string; idempotencyKey: string };
  'renewal.issued': { oldSerial: string; newSerial: string; notAfter: string };
  'renewal.installed': { tokenSerial: string; oldSerial: string; newSerial: string; notAfter: string };
  'renewal.failed': { oldSerial: string; code: string };
  /** A renewal the rollout plan had not yet opened, let through by a supervisor's override. */
  'rollout.overridden': { oldSerial: string; hardwareVersion: string; reason: string; issuedAt: string; expiresAt: string };
  /** A local import has no centre version. */
  'registry.imported': { rows: number; added: number; updated: number; version: null };
  'registry.pulled': { rows: number; version: number };
  'kiosk.enrolled': { kioskId: string; centreUrl: string };
  'token.plugged': { tokenSerial: string; label: string };
  'token.removed': { tokenSerial: string; label: string };
  'operator.signedIn': Record<string, never>;
  'operator.signedOut': Record<string, never>;
  /** A setting changed from the kiosk app (the language): its name and new value. */
  'setting.changed': { name: string; value: string };
  error: { command: string; code: string };
}

export type DataOf<T extends EventType> = EventDataByType[T];
