/**
 * Sending one saved renewal request to the centre: retried with backoff while the link is down,
 * always with the same idempotency key, so a retry can never make the centre issue twice.
 */
import type { RenewalRequest } from '../central/api.js';
import { CapbuError, type ErrorCode } from '../errors.js';
import type { RenewalResult } from './client.js';

export interface RenewalSender {
  renew(request: RenewalRequest): Promise<RenewalResult>;
}

/** Failures that say nothing about the request itself: try again later. */
const TRANSIENT: readonly ErrorCode[] = ['SERVER_UNREACHABLE', 'RATE_LIMITED'];
/** Failures the kiosk must fix (enrolment, a broken reply): keep the request, stop, say so. */
const KEEP: readonly ErrorCode[] = ['UNAUTHORIZED', 'SERVER_REPLY_INVALID', 'NOT_ENROLLED'];

export type SendOutcome =
  | { readonly kind: 'answered'; readonly result: RenewalResult }
  | { readonly kind: 'unreachable' }
  /** The centre refused the request for good: nothing was issued. */
  | { readonly kind: 'refused'; readonly error: CapbuError };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function sendRenewal(
  client: RenewalSender,
  request: RenewalRequest,
  delaysMs: readonly number[],
  wait: (ms: number) => Promise<void> = sleep,
): Promise<SendOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { kind: 'answered', result: await client.renew(request) };
    } catch (error) {
      if (!(error instanceof CapbuError)) throw error;
      if (KEEP.includes(error.code)) throw error;
      if (!TRANSIENT.includes(error.code)) return { kind: 'refused', error };
      const delay = delaysMs[attempt];
      if (delay === undefined) return { kind: 'unreachable' };
      await wait(delay);
    }
  }
}

/** The centre's refusal as the kiosk reports it: its code and, for NOT_ELIGIBLE, its reasons. */
export function rejection(error: CapbuError): CapbuError {
  const reasons = Array.isArray(error.details.reasons) ? (error.details.reasons as string[]) : [];
  return new CapbuError('SERVER_REJECTED', { codes: [error.code, ...reasons] }, { cause: error });
}
