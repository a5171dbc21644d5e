// timeRuns: each timed sample averages back-to-back runs up to minSampleMs; settings are checked.
import { describe, expect, it } from 'vitest';

import { measureSettings, timeRuns } from '../src/index.js';

const busy = (ms: number) => () => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('timeRuns', () => {
  it('averages enough runs per sample to reach minSampleMs, and reports per-run times', () => {
    let calls = 0;
    const run = busy(0.05);
    const s = timeRuns(() => { calls++; run(); }, { warmup: 5, minRuns: 4, maxRuns: 4, spread: 0, minSampleMs: 1 });
    expect(s.n).toBe(4);
    // ~20 runs per sample (1 ms / 0.05 ms), so far more calls than samples
    expect(calls - 5).toBeGreaterThanOrEqual(4 * 5);
    expect(s.median).toBeGreaterThanOrEqual(0.05);
    expect(s.median).toBeLessThan(1);
  });

  it('times single runs with minSampleMs 0', () => {
    let calls = 0;
    timeRuns(() => { calls++; }, { warmup: 2, minRuns: 3, maxRuns: 3, spread: 0, minSampleMs: 0 });
    expect(calls).toBe(5);
  });

  it('rejects a negative minSampleMs', () => {
    expect(() => measureSettings({ minSampleMs: -1 })).toThrow(/minSampleMs/);
  });
});
