/**
 * Retrying the centre during a sync: exponential backoff with full jitter, bounded, and a failure
 * the centre meant (a refusal) never retried.
 */
import { describe, expect, it } from 'vitest';
import { CapbuError } from '../src/errors.js';
import { backoffDelay, SYNC_BACKOFF, withBackoff } from '../src/sync/backoff.js';

describe('sync backoff', () => {
  it('waits a jittered share of a ceiling that doubles each try, up to the maximum', () => {
    const policy = { baseMs: 500, maxMs: 8_000, tries: 5 };
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 0.999999))).toEqual([499, 999, 1_999, 3_999, 7_999, 7_999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(1_000);
  });

  it('tries again after transient failures, waiting between, then gives SERVER_UNREACHABLE', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = withBackoff(
      async () => {
        calls++;
        throw new CapbuError('SERVER_UNAVAILABLE', { status: 503 });
      },
      SYNC_BACKOFF,
      { server: 'http://centre', wait: async (ms) => void waits.push(ms), random: () => 0.5 },
    );
    await expect(failing).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE', details: { server: 'http://centre' } });
    expect(calls).toBe(SYNC_BACKOFF.tries);
    expect(waits).toEqual([250, 500, 1_000, 2_000]);
  });

  it('returns what a later try gets, and throws a refusal at once', async () => {
    let calls = 0;
    const later = await withBackoff(
      async () => {
        if (++calls < 3) throw new CapbuError('SERVER_UNREACHABLE', { server: 'x' });
        return 'stored';
      },
      SYNC_BACKOFF,
      { server: 'x', wait: async () => undefined },
    );
    expect([later, calls]).toEqual(['stored', 3]);
    let refusals = 0;
    const refused = withBackoff(
      async () => {
        refusals++;
        throw new CapbuError('CHAIN_CONFLICT', { seq: 4 });
      },
      SYNC_BACKOFF,
      { server: 'x', wait: async () => undefined },
    );
    await expect(refused).rejects.toMatchObject({ code: 'CHAIN_CONFLICT' });
    expect(refusals).toBe(1);
  });
});
