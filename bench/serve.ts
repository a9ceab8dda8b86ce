/** `capbu central serve` as a child process for the benchmarks: started, its URL read, stopped. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Served {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export function startServe(env: NodeJS.ProcessEnv, args: string[]): Promise<Served> {
  return new Promise((resolve, reject) => {
    // BENCH_SERVE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the centre.
    const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, join(process.cwd(), 'dist/cli/bin.js'), 'central', 'serve', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /(http:\/\/\S+)/.exec(stderr); // the line is in the catalogue's language; the URL is not
      if (m) {
        resolve({
          url: m[1]!,
          pid: child.pid!,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`capbu central serve exited ${code}: ${stderr}`)));
  });
}
