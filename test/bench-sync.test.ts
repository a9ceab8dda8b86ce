/**
 * bench/sync at a tiny scale, so the benchmark's code keeps working as the code it measures
 * changes. No timing is asserted: only that every part ran and the centre got the whole journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { measureSync } from '../bench/sync/measure.js';

it('journals, syncs and measures both floors, the centre holding every event once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-bench-sync-test-'));
  const figures = await measureSync(dir, 40).finally(() => rmSync(dir, { recursive: true, force: true }));
  // The journal also holds kiosk.enrolled (the centre's registry is empty: nothing is pulled).
  expect(figures).toMatchObject({ events: 40, synced: 41, atCentre: 41 });
  for (const key of ['journalSeconds', 'journalFloorSeconds', 'syncSeconds', 'syncFloorSeconds'] as const) {
    expect(figures[key]).toBeGreaterThan(0);
  }
});
