/**
 * bench/report at a tiny scale, so its loader and measuring cannot rot: the campaign loads into
 * SQLite and PostgreSQL, the centre's pages show exactly the loaded figures (the bench checks
 * them before timing), and every page (the report API's and the dashboard's own) gets figures and a floor. No timing is asserted.
 */
import { expect, it } from 'vitest';
import { scaled } from '../bench/report/load.js';
import { runReportBench } from '../bench/report/run.js';

it('loads a tiny campaign on SQLite and PostgreSQL and measures both pages against their floor', async () => {
  const lines: string[] = [];
  const results = await runReportBench({ scale: scaled(0.0005), runs: 3, backends: ['sqlite', 'postgres'], log: (line) => lines.push(line) });
  expect(results.map((r) => r.backend)).toEqual(['sqlite', 'postgres']);
  for (const r of results) {
    expect(r.load.find((t) => t.table === 'kiosk_events')?.rows).toBeGreaterThanOrEqual(5000 - 63);
    expect(r.pages.map((p) => p.page.split(' ')[0])).toEqual(['overview', 'province', 'dashboard', 'dashboard']);
    for (const p of r.pages) for (const v of [p.p50, p.p99, p.floorP50, p.floorP99]) expect(v).toBeGreaterThan(0);
  }
  expect(lines.some((l) => l.includes('PostgreSQL loaded'))).toBe(true);
}, 240_000);
