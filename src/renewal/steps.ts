/**
 * A renewal as the steps a person watches: each one reported when it starts and when it ends, with
 * its duration, so a front-end (the CLI's lines, the kiosk app's spinner) shows what is happening
 * while it happens. Cancelling is honoured only between steps where stopping leaves nothing
 * half-done: before the PIN is tried, before anything is journaled or sent, while waiting to
 * retry, and before the new certificate is written. Once writing starts, the renewal runs to its
 * end.
 */
import { CapbuError, isCapbuError, type ErrorCode } from '../errors.js';

/** The work of a renewal, in the order it happens; a resumed renewal skips those already done. */
export const WORK_STEPS = [
  'read',
  'decide',
  'pin',
  'sign-request',
  'send',
  'wait',
  'receive',
  'write',
  'verify',
  'remove-old',
] as const;
/** How a renewal ends: `done` (renewed, or found already renewed), `queued` (the centre was out of reach), `failed`. */
export const END_STEPS = ['done', 'queued', 'failed'] as const;

export type WorkStepName = (typeof WORK_STEPS)[number];
export type EndStepName = (typeof END_STEPS)[number];
export type RenewalStepName = WorkStepName | EndStepName;

export interface RenewalStep {
  /** Stable; a front-end maps it to words (catalogue key `step.NAME`). */
  readonly name: RenewalStepName;
  /** End steps come once, as `done` (for `done` and `queued`) or `failed`. */
  readonly status: 'started' | 'done' | 'failed';
  /** Milliseconds since the step started (0 when started); for an end step, since the renewal started. */
  readonly ms: number;
  /** Why a step or the renewal failed: an error code, or NOT_ELIGIBLE when the decision said no. */
  readonly code?: ErrorCode;
  /** `send` and `wait`: which attempt at reaching the centre, from 1. */
  readonly attempt?: number;
  /** `wait` (started): how long until the next attempt. */
  readonly waitMs?: number;
}

export type RenewalListener = (step: RenewalStep) => void;

/** What a caller of a renewal may give to watch it and stop it. */
export interface RenewalWatch {
  readonly onStep?: RenewalListener;
  readonly signal?: AbortSignal;
}

interface StepOptions<T> extends Pick<RenewalStep, 'attempt' | 'waitMs'> {
  readonly refuse?: (result: T) => ErrorCode | undefined;
}

function codeOf(error: unknown): ErrorCode {
  return isCapbuError(error) ? error.code : 'INTERNAL';
}

/** Times the steps of one renewal and tells the listener. */
export class Steps {
  private readonly began = performance.now();
  private readonly listener: RenewalListener;
  private readonly signal: AbortSignal | undefined;

  constructor(watch: RenewalWatch = {}) {
    this.listener = watch.onStep ?? (() => {});
    this.signal = watch.signal;
  }

  /** Throws CANCELLED if the caller asked to stop; called only where stopping is safe. */
  checkpoint(): void {
    if (this.signal?.aborted) throw new CapbuError('CANCELLED');
  }

  /**
   * Runs one step: started, then done or failed with the error's code (the error goes on).
   * `refuse` turns a result that is a "no" rather than an error (the decision) into a failed step.
   */
  async run<T>(name: WorkStepName, work: () => T | Promise<T>, options: StepOptions<T> = {}): Promise<T> {
    const { refuse, ...extra } = options;
    const start = performance.now();
    const since = () => Math.round(performance.now() - start);
    const attempt = extra.attempt === undefined ? {} : { attempt: extra.attempt };
    this.listener({ name, status: 'started', ms: 0, ...extra });
    let result: T;
    try {
      result = await work();
    } catch (error) {
      this.listener({ name, status: 'failed', ms: since(), code: codeOf(error), ...attempt });
      throw error;
    }
    const code = refuse?.(result);
    this.listener(code ? { name, status: 'failed', ms: since(), code, ...attempt } : { name, status: 'done', ms: since(), ...attempt });
    return result;
  }

  /** The end of the renewal; `failed` carries the code of what stopped it. */
  end(name: EndStepName, code?: ErrorCode): void {
    const ms = Math.round(performance.now() - this.began);
    this.listener(name === 'failed' ? { name, status: 'failed', ms, code: code ?? 'INTERNAL' } : { name, status: 'done', ms });
  }

  /** Ends the renewal as failed with the error's code, and gives the error back to rethrow. */
  fail(error: unknown): unknown {
    this.end('failed', codeOf(error));
    return error;
  }

  /** A pause before retrying, cut short (CANCELLED) if the caller cancels meanwhile. */
  async pause(ms: number, sleep: (ms: number) => Promise<void>): Promise<void> {
    this.checkpoint();
    const signal = this.signal;
    if (!signal) return sleep(ms);
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new CapbuError('CANCELLED'));
      signal.addEventListener('abort', onAbort, { once: true });
      sleep(ms).then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, reject);
    });
  }
}
