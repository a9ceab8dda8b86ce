/**
 * A supervisor's override of the rollout plan for one certificate: a short text the centre signs
 * (`capbu central override issue`) with its Ed25519 override key and a supervisor sends to a
 * field agent (SMS, chat, phone). The kiosk checks it offline with the public half in its
 * settings; the centre checks it again on the renewal. It names the campaign, the old
 * certificate's serial, why, and until when it holds; it opens nothing but the plan.
 *
 * Form: `CBO1.<base64url payload>.<base64url signature>`; the signature covers the payload's
 * bytes exactly as sent, so no canonical form of the JSON is needed.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { CapbuError } from '../errors.js';

export const OVERRIDE_PREFIX = 'CBO1';

export interface RolloutOverride {
  readonly campaign: string;
  /** The old certificate's serial, lowercase hex. */
  readonly serial: string;
  readonly reason: string;
  /** ISO 8601 UTC. */
  readonly issuedAt: string;
  readonly expiresAt: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** The public key an override is checked with: PEM, or base64 of its SubjectPublicKeyInfo DER. */
export function overrideVerifyKey(text: string): KeyObject {
  try {
    const trimmed = text.trim();
    const key = trimmed.startsWith('-----')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    return key;
  } catch (error) {
    throw new CapbuError('OVERRIDE_KEY_INVALID', {}, { cause: error });
  }
}

function payloadOf(value: unknown): RolloutOverride | null {
  if (typeof value !== 'object' || value === null) return null;
  const o = value as Record<string, unknown>;
  const text = (k: string) => (typeof o[k] === 'string' && (o[k] as string).length > 0 && (o[k] as string).length <= 200 ? (o[k] as string) : null);
  const [campaign, serial, reason, issuedAt, expiresAt] = ['c', 's', 'r', 'i', 'e'].map(text);
  if (!campaign || !serial || !reason || !issuedAt || !expiresAt) return null;
  if (Number.isNaN(Date.parse(issuedAt)) || Number.isNaN(Date.parse(expiresAt))) return null;
  return { campaign, serial, reason, issuedAt, expiresAt };
}

/**
 * The override a text carries, when the key signed it, for this campaign and certificate, and it
 * has not expired at `now`: OVERRIDE_INVALID for anything forged, damaged or meant for another
 * certificate, OVERRIDE_EXPIRED past its time.
 */
export function verifyOverride(text: string, key: KeyObject, expect: { campaign: string; serial: string }, now: Date): RolloutOverride {
  const parts = text.trim().split('.');
  const invalid = (problem: string) => new CapbuError('OVERRIDE_INVALID', { problem });
  if (parts.length !== 3 || parts[0] !== OVERRIDE_PREFIX || !B64URL.test(parts[1]!) || !B64URL.test(parts[2]!)) throw invalid('form');
  const payload = Buffer.from(parts[1]!, 'base64url');
  const signature = Buffer.from(parts[2]!, 'base64url');
  if (signature.length !== 64 || !verify(null, payload, key, signature)) throw invalid('signature');
  let parsed: RolloutOverride | null = null;
  try {
    parsed = payloadOf(JSON.parse(payload.toString('utf8')));
  } catch {
    // A signed payload that is not JSON: the key signed something else, refused the same way.
  }
  if (!parsed) throw invalid('form');
  if (parsed.campaign !== expect.campaign) throw invalid('campaign');
  if (parsed.serial !== expect.serial) throw invalid('serial');
  if (Date.parse(parsed.expiresAt) <= now.getTime()) throw new CapbuError('OVERRIDE_EXPIRED', { expiresAt: parsed.expiresAt });
  return parsed;
}

/** The campaign and serial an override says it is for, unchecked: where to look before checking it. */
export function claimedFor(text: string): { campaign: string; serial: string } | null {
  try {
    const value = JSON.parse(Buffer.from(text.trim().split('.')[1] ?? '', 'base64url').toString('utf8')) as { c?: unknown; s?: unknown };
    return typeof value.s === 'string' && typeof value.c === 'string' ? { campaign: value.c, serial: value.s } : null;
  } catch {
    // Not an override at all: it is refused when checked.
    return null;
  }
}

/** The payload's bytes for the centre to sign (central/override.ts). */
export function overridePayload(o: RolloutOverride): Buffer {
  return Buffer.from(JSON.stringify({ c: o.campaign, s: o.serial, r: o.reason, i: o.issuedAt, e: o.expiresAt }), 'utf8');
}

export function overrideText(payload: Buffer, signature: Buffer): string {
  return `${OVERRIDE_PREFIX}.${payload.toString('base64url')}.${signature.toString('base64url')}`;
}
