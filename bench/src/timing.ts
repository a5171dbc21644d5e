/** Timing helpers: warm-up, then the median (and min) of repeated runs. */
export interface Timing {
  median: number;
  min: number;
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

export function timeIt(fn: () => void, o: TimeOptions): Timing {
  for (let i = 0; i < o.warmup; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < o.maxRuns && (times.length < o.minRuns || performance.now() - start < o.budgetMs)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], min: times[0], runs: times.length };
}

/**
 * For slow peers (seconds per call): a first call decides. If it took more than a quarter of the
 * budget it is the single sample (runs = 1); otherwise it counts as warm-up and timeIt follows.
 */
export function timeSlow(fn: () => void, budgetMs: number, maxRuns: number): Timing {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  if (first > budgetMs / 4) return { median: first, min: first, runs: 1 };
  return timeIt(fn, { warmup: 0, minRuns: 3, maxRuns, budgetMs });
}
