// The floor comes from the highest FMA-peak reading of the run: probes are kept, the maximum is
// used, and the floor fields of a result are recomputed from it before printing.
import { describe, expect, it } from 'vitest';

import { withBlockFloor, type BlockBenchResult } from '../src/block.js';
import { quadFlops } from '../src/flops.js';
import { describeMachine, peakText } from '../src/machine.js';
import { withQuadFloor, type QuadBenchResult } from '../src/quadconv.js';

describe('floor', () => {
  it('the machine keeps every probe reading and reports the highest', () => {
    const m = describeMachine();
    expect(m.peakReadings).toHaveLength(1);
    m.probe();
    expect(m.peakReadings).toHaveLength(2);
    expect(m.peakGflops).toBe(Math.max(...m.peakReadings));
    expect(peakText(m)).toMatch(/highest of 2 probes through the run/);
  });

  it('recomputes the quadconv and block floors from a new peak', () => {
    const s = { n: 2, h: 8, w: 8, c: 16 }, k = 7;
    const f = quadFlops(s, k);
    const q = { op: 'quadconv2d', ...s, k, fwd_ms: 1, fwdbwd_ms: 3, fwdbwd_saved_ms: 3, fwd_gflops: f.fwd / 1e6, fwdbwd_gflops: f.fwdbwd / 3e6 } as QuadBenchResult;
    withQuadFloor(q, 100);
    expect(q.floor_fwd_ms).toBeCloseTo(f.fwd / 1e8, 12);
    withQuadFloor(q, 200);
    expect(q.floor_fwd_ms).toBeCloseTo(f.fwd / 2e8, 12);
    expect(q.fwd_peak_frac).toBeCloseTo(f.fwd / 1e6 / 200, 12);
    expect(q.peak_gflops).toBe(200);
    const b = { fwd_flops: 4e9 } as BlockBenchResult;
    withBlockFloor(b, 400);
    expect([b.floor_fwd_ms, b.floor_fwdbwd_ms]).toEqual([10, 30]);
  });
});
