/**
 * Syncing until stopped, for kiosks that run without the TUI (and for the TUI's background loop):
 * a round, then a wait, again and again. Stopping lets the batch in flight finish, then ends.
 */
import { CapbuError } from '../errors.js';

export interface Stopper {
  readonly stopping: () => boolean;
  /** Resolves after `ms`, or at once when a stop is asked for. */
  pause(ms: number): Promise<void>;
  stop(): void;
}

export function stopper(): Stopper {
  let stopped = false;
  let wake: (() => void) | null = null;
  return {
    stopping: () => stopped,
    pause: (ms) =>
      stopped
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(done, ms);
            function done() {
              clearTimeout(timer);
              wake = null;
              resolve();
            }
            wake = done;
          }),
    stop: () => {
      stopped = true;
      wake?.();
    },
  };
}

/**
 * Runs `round` every `intervalMs` until the stopper stops. A round that fails with a code is
 * reported and the loop goes on (the link may come back, another sync may finish); anything else
 * ends it.
 */
export async function watch<R>(
  round: () => Promise<R>,
  intervalMs: number,
  control: Stopper,
  report: (outcome: { readonly round: R } | { readonly error: CapbuError }) => void,
): Promise<void> {
  while (!control.stopping()) {
    try {
      report({ round: await round() });
    } catch (error) {
      if (!(error instanceof CapbuError)) throw error;
      report({ error });
    }
    await control.pause(intervalMs);
  }
}
