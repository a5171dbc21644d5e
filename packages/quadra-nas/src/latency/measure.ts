/**
 * Timing one op or one model: warm-up runs, then timed samples until the spread ((p90 − p10) /
 * median) is small or a time limit is reached. A sample is the mean of enough back-to-back runs to
 * take at least `minSampleMs` (1 ms by default): single runs of the small ops of a Fashion-MNIST
 * space (50–500 µs) scattered by ±20 % from timer and thread wake-up noise, and two tables made
 * one after the other agreed within 5 % on 9–68 % of their entries; averaged samples: bench/RESULTS.md.
 * On cuda each run ends with a device synchronize.
 */
import { ArgumentError, checkOptionKeys, noGrad, onesLike, randn, scope, synchronize, type Device, type nn, type Tensor } from '@quadranet/core';
import { relativeSpread, summarize, type LatencyStats } from './stats.js';

export interface MeasureOptions {
  /** Untimed runs first (default 3). */
  warmup?: number;
  /** Timed runs at least (default 10). */
  minRuns?: number;
  /** Timed runs at most (default 200). */
  maxRuns?: number;
  /** Stop once (p90 − p10) / median is at most this (default 0.05). */
  spread?: number;
  /** Stop after this many seconds of timed runs (default 2), even if the spread is larger. */
  maxSeconds?: number;
  /** A timed sample averages back-to-back runs until it takes at least this long (default 1 ms). */
  minSampleMs?: number;
}

export const MEASURE_DEFAULTS: Required<MeasureOptions> = { warmup: 3, minRuns: 10, maxRuns: 200, spread: 0.05, maxSeconds: 2, minSampleMs: 1 };

export function measureSettings(o: MeasureOptions = {}): Required<MeasureOptions> {
  checkOptionKeys('measure', o, Object.keys(MEASURE_DEFAULTS) as (keyof MeasureOptions)[]);
  const s = { ...MEASURE_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Required<MeasureOptions>;
  for (const k of ['warmup', 'minRuns', 'maxRuns'] as const) {
    if (!Number.isInteger(s[k]) || s[k] < (k === 'warmup' ? 0 : 1)) throw new ArgumentError(`measure: ${k} must be an integer >= ${k === 'warmup' ? 0 : 1}, got ${s[k]}`);
  }
  if (s.maxRuns < s.minRuns) throw new ArgumentError(`measure: maxRuns (${s.maxRuns}) must be >= minRuns (${s.minRuns})`);
  if (!(s.spread >= 0)) throw new ArgumentError(`measure: spread must be >= 0, got ${s.spread}`);
  if (!(s.maxSeconds > 0)) throw new ArgumentError(`measure: maxSeconds must be > 0, got ${s.maxSeconds}`);
  if (!(s.minSampleMs >= 0)) throw new ArgumentError(`measure: minSampleMs must be >= 0, got ${s.minSampleMs}`);
  return s;
}

/**
 * Times `run` (which must finish its device work before returning): per-run milliseconds, each
 * sample the mean of `repeat` back-to-back runs (`repeat` sized from the warm-up to reach
 * `minSampleMs`); `n` counts samples.
 */
export function timeRuns(run: () => void, o: MeasureOptions = {}): LatencyStats {
  const s = measureSettings(o);
  const w0 = performance.now();
  for (let i = 0; i < s.warmup; i++) run();
  const perRun = s.warmup > 0 ? (performance.now() - w0) / s.warmup : 0;
  const repeat = perRun > 0 ? Math.max(1, Math.min(1000, Math.ceil(s.minSampleMs / perRun))) : 1;
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < s.maxRuns) {
    const a = performance.now();
    for (let i = 0; i < repeat; i++) run();
    times.push((performance.now() - a) / repeat);
    if (times.length >= s.minRuns) {
      if (relativeSpread(summarize(times)) <= s.spread) break;
      if ((performance.now() - t0) / 1000 >= s.maxSeconds) break;
    }
  }
  return summarize(times);
}

export type MeasureMode = 'forward' | 'train';

/**
 * Latency of `module` on a random input [batch, h, w, c] on `device`: 'forward' is an eval-mode
 * forward without the tape; 'train' a training-mode forward and backward (gradients dropped).
 */
export function measureModule(module: nn.Module, inputShape: readonly number[], device: Device, mode: MeasureMode = 'forward', o: MeasureOptions = {}): LatencyStats {
  const x = randn([...inputShape], { device });
  const sync = () => synchronize(device);
  try {
    if (mode === 'forward') {
      module.eval();
      return timeRuns(() => {
        noGrad(() => scope(() => {
          module.forward(x);
        }));
        sync();
      }, o);
    }
    module.train();
    x.requiresGrad = true;
    const stats = timeRuns(() => {
      const out: Tensor = scope(() => module.forward(x));
      scope(() => out.backward(onesLike(out)));
      out.dispose();
      module.zeroGrad();
      x.grad?.dispose();
      x.grad = null;
      sync();
    }, o);
    module.eval();
    return stats;
  } finally {
    x.dispose();
  }
}
