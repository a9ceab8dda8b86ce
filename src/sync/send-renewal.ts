/**
 * Sending one saved renewal request to the centre: retried with backoff until it gives a considered answer,
 * always with the same idempotency key, so a retry can never make the centre issue twice.
 */
import type { RenewalRequest } from '../central/api.js';
import { CapbuError, type ErrorCode } from '../errors.js';
import type { RenewalResult } from './client.js';

export interface RenewalSender {
  renew(request: RenewalRequest): Promise<RenewalResult>;
}

/**
 * No considered answer about the request: the link is down, the centre failed (5xx, a timeout),
 * something that is not the centre answered, or it asked us to slow down. Try again, then queue.
 */
const TRANSIENT: readonly ErrorCode[] = ['SERVER_UNREACHABLE', 'SERVER_UNAVAILABLE', 'SERVER_REPLY_INVALID', 'RATE_LIMITED'];
/** Failures the kiosk must fix (its enrolment): keep the request, stop, say so. */
const KEEP: readonly ErrorCode[] = ['UNAUTHORIZED', 'NOT_ENROLLED'];

/** The longest a Retry-After is honoured: a customer is waiting at the counter. */
export const MAX_RETRY_AFTER_MS = 30_000;

export function isTransient(error: unknown): error is CapbuError {
  return error instanceof CapbuError && TRANSIENT.includes(error.code);
}

/** The kiosk's own backoff, or longer when the centre asked for longer, up to the bound. */
function retryDelay(error: CapbuError, delay: number): number {
  const asked = error.details.retryAfterMs;
  return typeof asked === 'number' ? Math.max(delay, Math.min(asked, MAX_RETRY_AFTER_MS)) : delay;
}

export type SendOutcome =
  | { readonly kind: 'answered'; readonly result: RenewalResult }
  /** No considered answer after every try: the request stays, queued. */
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
      if (!isTransient(error)) return { kind: 'refused', error };
      const delay = delaysMs[attempt];
      if (delay === undefined) return { kind: 'unreachable' };
      await wait(retryDelay(error, delay));
    }
  }
}

/** The centre's refusal as the kiosk reports it: its code and, for NOT_ELIGIBLE, its reasons. */
export function rejection(error: CapbuError): CapbuError {
  const reasons = Array.isArray(error.details.reasons) ? (error.details.reasons as string[]) : [];
  return new CapbuError('SERVER_REJECTED', { codes: [error.code, ...reasons] }, { cause: error });
}
