/**
 * bench/kiosk runs end to end on a tiny setting, so it cannot rot between benchmark runs. Every
 * figure is there and counted right; how fast is the benchmark's business, never a test's.
 */
import { describe, expect, it } from 'vitest';
import { kioskBench } from '../bench/kiosk/run.js';

describe('bench/kiosk, smoke run', () => {
  it('starts, plugs, renews on the slowed token and reports every figure with its floor', async () => {
    const r = await kioskBench({ starts: 1, plugs: 2, renewals: 1, signMs: 200 });
    expect(r.firstFrame.runs).toBe(1);
    expect(r.firstFrameFloor.runs).toBe(1);
    expect(r.ready.runs).toBe(1);
    expect(r.slotToVerdict.runs).toBe(2);
    expect(r.plugToVerdict.runs).toBe(2);
    expect(r.readFloor.runs).toBeGreaterThanOrEqual(2);
    expect(r.renewal.runs).toBe(1);
    // A renewal of at least one slowed signature draws several frames.
    expect(r.frameGaps.runs).toBeGreaterThan(1);
    for (const value of [r.firstFrame.median, r.ready.median, r.slotToVerdict.median, r.readFloor.median, r.frameGapWorst, r.renewal.median]) {
      expect(Number.isFinite(value) && value > 0).toBe(true);
    }
  }, 300_000);
});
