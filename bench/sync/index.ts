/**
 * bench/sync: the journal issue's benchmark (issue 12, section 5). BENCH_EVENTS (default 100,000)
 * events journaled the way the kiosk does, one durable transaction each, against the floor of the
 * same rows in a bare SQLite table with the same durability; then `capbu sync` of all of them to
 * the centre on loopback (SQLite store), against the floor of the same rows inserted in one
 * transaction. Targets: journaling ≥ 50% of its floor; the sync under 10 s and within 10× of its
 * floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureSync } from './measure.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-bench-sync-'));
  try {
    const f = await measureSync(dir, EVENTS);
    if (f.atCentre !== f.synced) throw new Error(`the centre holds ${f.atCentre} events, the kiosk sent ${f.synced}`);
    const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en')} events/s`.padStart(18);
    const secs = (s: number) => `${s.toFixed(2)} s`.padStart(10);
    const journalRatio = f.journalFloorSeconds / f.journalSeconds;
    const syncRatio = f.syncSeconds / f.syncFloorSeconds;
    console.log(`bench/sync — ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, Node ${process.version}, store in ${tmpdir()}`);
    console.log(`${'what'.padEnd(58)}${'time'.padStart(10)}${'rate'.padStart(18)}`);
    console.log(`${`journal ${f.events} events (appendEvent, 1 durable tx each)`.padEnd(58)}${secs(f.journalSeconds)}${rate(f.events, f.journalSeconds)}`);
    console.log(`${'  floor: bare table, 1 tx each, WAL + synchronous=FULL'.padEnd(58)}${secs(f.journalFloorSeconds)}${rate(f.events, f.journalFloorSeconds)}`);
    console.log(`${`capbu sync of ${f.synced} events to the centre (loopback)`.padEnd(58)}${secs(f.syncSeconds)}${rate(f.synced, f.syncSeconds)}`);
    console.log(`${'  floor: bare table, 1 tx, WAL + synchronous=NORMAL'.padEnd(58)}${secs(f.syncFloorSeconds)}${rate(f.synced, f.syncFloorSeconds)}`);
    console.log(`journaling / floor:  ${(journalRatio * 100).toFixed(1)}% of the floor's rate (target ≥ 50%: ${journalRatio >= 0.5 ? 'met' : 'NOT met'})`);
    console.log(`sync / floor:        ${syncRatio.toFixed(1)}× the floor's time (target ≤ 10×: ${syncRatio <= 10 ? 'met' : 'NOT met'})`);
    console.log(`sync time:           ${f.syncSeconds.toFixed(2)} s (target < 10 s for 100,000: ${f.syncSeconds < 10 ? 'met' : 'NOT met'})`);
    console.log(`centre holds:        ${f.atCentre} events of this kiosk, each once`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
