/**
 * src/campaign/ is pure rules: no I/O, no clock, nothing remembered between calls. The centre's
 * speed comes from a calendar it holds itself, which must read the same dates as the pure one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { zoneCalendar } from '../src/campaign/calendar.js';
import { rememberingCalendar } from '../src/central/remembering-calendar.js';

const CAMPAIGN = fileURLToPath(new URL('../src/campaign/', import.meta.url));
const FILES = readdirSync(CAMPAIGN)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, text: readFileSync(join(CAMPAIGN, name), 'utf8') }));

describe('src/campaign/', () => {
  it('reads no file, clock or environment', () => {
    const found = FILES.flatMap(({ name, text }) =>
      [
        /from '(node:)?(fs|fs\/promises|os|path|child_process|net|http|https|worker_threads|process)'/,
        /\bprocess\./,
        /\bDate\.now\(/,
        /new Date\(\)/,
        /\bperformance\.now\(/,
      ]
        .filter((pattern) => pattern.test(text))
        .map((pattern) => `${name}: ${pattern}`),
    );
    expect(found).toEqual([]);
  });

  /** The lines, named by file, at the top level of src/campaign/ that `bad` picks. */
  const topLevel = (bad: (line: string) => boolean) =>
    FILES.flatMap(({ name, text }) => text.split('\n').filter(bad).map((line) => `${name}: ${line}`));

  it('keeps nothing between calls: no module-level variables, collections or memos', () => {
    const state = /^(export )?(let|var) |^(export )?const \w+(: [^=]+)? = new |pki\/recent\.js/;
    expect(topLevel((line) => state.test(line))).toEqual([]);
  });

  it('does nothing on import: the top level only declares', () => {
    const declaration = /^(import|export|const|function|interface|type|class|async function)\b/;
    expect(topLevel((line) => /^[A-Za-z_$]/.test(line) && !declaration.test(line))).toEqual([]);
  });
});

describe("the centre's remembering calendar", () => {
  // Havana and Santiago move their clocks at midnight, so some days there have no 00:00.
  const ZONES = ['Asia/Ho_Chi_Minh', 'America/Havana', 'America/Santiago', 'Europe/London', 'Pacific/Apia'];

  it('reads the same dates as the pure calendar as time runs, forwards and back', () => {
    for (const zone of ZONES) {
      const pure = zoneCalendar(zone);
      const remembering = rememberingCalendar(zone);
      const instants: number[] = [];
      for (const start of [Date.UTC(2020, 2, 5), Date.UTC(2020, 9, 28), Date.UTC(2021, 8, 1)]) {
        for (let t = start; t < start + 12 * 86_400_000; t += 17 * 60_000) instants.push(t);
      }
      // In order, as a running clock asks, then backwards, as certificates' older instants do;
      // twice, so the second pass reads what the first remembered.
      const sequence = [...instants, ...[...instants].reverse()];
      for (const t of [...sequence, ...sequence]) {
        expect(remembering.dateOf(new Date(t)), `${zone} ${new Date(t).toISOString()}`).toBe(pure.dateOf(new Date(t)));
      }
    }
  });

  it('gives the same instants of local times as the pure calendar, asked again too', () => {
    for (const zone of ZONES) {
      const pure = zoneCalendar(zone);
      const remembering = rememberingCalendar(zone);
      for (const date of ['2020-03-08', '2020-04-05', '2020-09-06', '2020-10-25', '2021-09-26', '2022-03-01']) {
        for (const time of [[0, 0, 0], [1, 30, 0], [23, 59, 59]] as const) {
          const expected = pure.instantOf(date, time).toISOString();
          expect(remembering.instantOf(date, time).toISOString(), `${zone} ${date} ${time}`).toBe(expected);
          expect(remembering.instantOf(date, time).toISOString()).toBe(expected);
        }
      }
    }
  });
});
