/**
 * Retrying a call to the centre while the link is down: exponential backoff with full jitter, so
 * kiosks that lost the link together do not all come back at the same instant.
 */
import { CapbuError } from '../errors.js';
import { isTransient, sleep } from './send-renewal.js';

export interface Backoff {
  /** The first wait's ceiling; each next one doubles it, up to maxMs. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** Calls in all, the first included. */
  readonly tries: number;
}

export const SYNC_BACKOFF: Backoff = { baseMs: 500, maxMs: 8_000, tries: 5 };

/** Each of connecting, waiting for the centre's answer and reading it, during a sync. */
export const SYNC_TIMEOUT_MS = 10_000;

export function backoffDelay(attempt: number, policy: Backoff, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxMs, policy.baseMs * 2 ** attempt));
}

/**
 * The call, tried again after transient failures; once the tries are spent, SERVER_UNREACHABLE.
 * Anything the centre refused for good is thrown as it came.
 */
export async function withBackoff<T>(
  call: () => Promise<T>,
  policy: Backoff,
  options: { readonly server: string; readonly wait?: (ms: number) => Promise<void>; readonly random?: () => number },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt + 1 >= policy.tries) throw new CapbuError('SERVER_UNREACHABLE', { server: options.server }, { cause: error });
      await (options.wait ?? sleep)(backoffDelay(attempt, policy, options.random));
    }
  }
}
