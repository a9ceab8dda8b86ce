/** Small helpers the benchmarks share: timing loops and figures. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export interface Figures {
  readonly median: number;
  readonly p90: number;
  readonly runs: number;
}

export function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p90: at(0.9), runs: sorted.length };
}

/** Milliseconds for each of `runs` calls, after `warmup` untimed ones. */
export function time(runs: number, warmup: number, fn: () => void): Figures {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return figures(samples);
}

/** Times a whole process, start to exit; fails loudly if it does not exit as expected. */
export function timeProcess(runs: number, command: string, args: string[], options: SpawnSyncOptions, okCodes = [0]): Figures {
  return time(runs, 2, () => {
    const result = spawnSync(command, args, { ...options, stdio: 'pipe' });
    if (!okCodes.includes(result.status ?? -1)) {
      throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr?.toString()}`);
    }
  });
}

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** The q-quantile (0..1) of the samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
