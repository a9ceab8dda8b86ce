/**
 * bench/report: a centre holding a national-scale campaign (1,000,000 subscribers across 63
 * provinces, 600,000 renewals, 2,000 kiosks, 10,000,000 journal events) on SQLite and on
 * PostgreSQL; the overview and a province page timed through the real centre over loopback HTTP
 * (p50/p99), each against its floor, the bare SQL of the same aggregates, in the same run.
 * Targets: each page under 200 ms at p99 and within 3× its floor on PostgreSQL.
 *
 * CAPBU_BENCH_SCALE (default 1) scales every count (0.01 for a quick run); BENCH_RUNS (default
 * 200) timed requests per page; BENCH_BACKENDS (default sqlite,postgres).
 */
import { ms } from '../stats.js';
import { scaled } from './load.js';
import { runReportBench, type Backend } from './run.js';

const factor = Number(process.env.CAPBU_BENCH_SCALE ?? 1);
const runs = Number(process.env.BENCH_RUNS ?? 200);
const backends = (process.env.BENCH_BACKENDS ?? 'sqlite,postgres').split(',') as Backend[];
const scale = scaled(factor);
const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}`);

log(`bench/report: scale ${factor}: ${scale.subscribers} subscribers in 63 provinces, ${scale.renewals} renewals, ${scale.kiosks} kiosks, ${scale.events} journal events; ${runs} runs per page`);
const results = await runReportBench({ scale, runs, backends, log });
console.log('');
for (const r of results) {
  console.log(`${r.backend}: loaded in ${r.loadSeconds.toFixed(1)} s (${r.load.map((t) => `${t.table} ${t.seconds.toFixed(1)} s`).join(', ')})`);
  for (const p of r.pages) {
    console.log(
      `  ${p.page.padEnd(52)} p50 ${ms(p.p50).padStart(9)}  p99 ${ms(p.p99).padStart(9)}   floor p50 ${ms(p.floorP50).padStart(9)}  p99 ${ms(p.floorP99).padStart(9)}   ratio p50 ${(p.p50 / p.floorP50).toFixed(1)}×  p99 ${(p.p99 / p.floorP99).toFixed(1)}×`,
    );
  }
}
const pgPages = results.find((r) => r.backend === 'postgres')?.pages ?? [];
for (const p of pgPages) {
  console.log(`target (PostgreSQL) ${p.page}: p99 < 200 ms ${p.p99 < 200 ? 'met' : 'MISSED'}; within 3× floor (p99) ${p.p99 <= 3 * p.floorP99 ? 'met' : 'MISSED'}`);
}
