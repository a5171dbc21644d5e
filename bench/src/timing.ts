/** Timing helpers: warm-up, then the median, spread (p10/p90, min/max) and count of repeated runs. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  /** 10th and 90th percentiles (nearest rank): with under 10 runs they are the min and the max. */
  p10: number;
  p90: number;
  runs: number;
}

export interface TimeOptions {
  warmup: number;
  /** At least this many timed runs... */
  minRuns: number;
  /** ...and at most this many, stopping early once `budgetMs` is spent (slow peers). */
  maxRuns: number;
  budgetMs: number;
}

/** Order statistics of some run times (ms); at least one. */
export function summarize(times: number[]): Timing {
  const t = [...times].sort((a, b) => a - b);
  const rank = (q: number) => t[Math.min(t.length - 1, Math.max(0, Math.ceil(q * t.length) - 1))];
  return { median: t[t.length >> 1], min: t[0], max: t[t.length - 1], p10: rank(0.1), p90: rank(0.9), runs: t.length };
}

export function timeIt(fn: () => void, o: TimeOptions): Timing {
  for (let i = 0; i < o.warmup; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < o.maxRuns && (times.length < o.minRuns || performance.now() - start < o.budgetMs)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

/** timeIt for an engine whose call returns a promise (onnxruntime-node's session.run). */
export async function timeItAsync(fn: () => Promise<unknown>, o: TimeOptions): Promise<Timing> {
  for (let i = 0; i < o.warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < o.maxRuns && (times.length < o.minRuns || performance.now() - start < o.budgetMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

/**
 * For slow peers (seconds per call): a first call decides. If it took more than a quarter of the
 * budget it is the single sample (runs = 1); otherwise it counts as warm-up and timeIt follows.
 */
export function timeSlow(fn: () => void, budgetMs: number, maxRuns: number): Timing {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  if (first > budgetMs / 4) return summarize([first]);
  return timeIt(fn, { warmup: 0, minRuns: 3, maxRuns, budgetMs });
}
