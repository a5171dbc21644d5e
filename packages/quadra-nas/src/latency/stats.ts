/** Summary statistics of repeated timings. */

export interface LatencyStats {
  /** Milliseconds. */
  median: number;
  p10: number;
  p90: number;
  mean: number;
  /** Timed runs (after the warm-up). */
  n: number;
}

/** The q-quantile (0..1) of sorted values, linear between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export function summarize(times: readonly number[]): LatencyStats {
  const s = [...times].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p10: quantile(s, 0.1), p90: quantile(s, 0.9), mean: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
}

/** (p90 − p10) / median: how spread the timings are, relative to the median. */
export function relativeSpread(st: LatencyStats): number {
  return st.median > 0 ? (st.p90 - st.p10) / st.median : Infinity;
}
