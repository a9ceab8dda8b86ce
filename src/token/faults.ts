/**
 * Named points in the steps that change a token, where tests make a renewal die: in process
 * through a hook that throws, or in a child process through CAPBU_CRASH_AT=<point>, which kills
 * the process outright (SIGKILL, as a power cut would) when it gets there. Unset, both are inert.
 */
export const CHECKPOINTS = ['journaled', 'answered', 'issued', 'writing', 'created', 'written', 'deleted'] as const;
export type Checkpoint = (typeof CHECKPOINTS)[number];

let hook: ((point: Checkpoint) => void) | null = null;

export function setFaultHook(fn: ((point: Checkpoint) => void) | null): void {
  hook = fn;
}

export function checkpoint(point: Checkpoint): void {
  if (process.env.CAPBU_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
  hook?.(point);
}
