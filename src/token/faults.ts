/**
 * Named points in the steps that change a token, where tests make a renewal die: in process
 * through a hook that throws, or in a child process through test/support/crash-bin.mjs, which
 * installs a hook that kills the process outright (SIGKILL, as a power cut would). The switch
 * lives only in the test tree, so an installed kiosk cannot be told to crash; unset, the hook is
 * inert.
 */
export const CHECKPOINTS = ['journaled', 'answered', 'issued', 'writing', 'created', 'written', 'deleted'] as const;
export type Checkpoint = (typeof CHECKPOINTS)[number];

let hook: ((point: Checkpoint) => void) | null = null;

export function setFaultHook(fn: ((point: Checkpoint) => void) | null): void {
  hook = fn;
}

export function checkpoint(point: Checkpoint): void {
  hook?.(point);
}
