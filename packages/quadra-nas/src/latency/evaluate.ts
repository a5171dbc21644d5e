/**
 * How good the latency models are: random architectures of a space measured end to end, against
 * the plain table sum and the predictor's sum. Reports the share within ±10 % and the RMSPE, as
 * nn-Meter does.
 */
import { Generator, nn, type Device } from '@quadranet/core';
import { QuadraNet } from '@quadranet/models';
import { architectureSpec, blockOp, spaceLayout, type Choices, type OpSpec } from '../space/layout.js';
import type { SearchSpace } from '../space/schema.js';
import type { LatencyTable } from './lut.js';
import { measureModule, type MeasureMode, type MeasureOptions } from './measure.js';
import { lutArchitectureLatency, type LatencyPredictor } from './predictor.js';
import { quantile, type LatencyStats } from './stats.js';

export interface PredictionQuality {
  n: number;
  /** Share of predictions within ±tolerance of the measured latency. */
  withinShare: number;
  tolerance: number;
  /** Root mean squared percentage error, in percent. */
  rmspe: number;
  /** Mean of predicted / measured. */
  meanRatio: number;
}

export function predictionQuality(pairs: readonly { predicted: number; measured: number }[], tolerance = 0.1): PredictionQuality {
  const errs = pairs.map((p) => (p.predicted - p.measured) / p.measured);
  const n = errs.length;
  return {
    n, tolerance,
    withinShare: n ? errs.filter((e) => Math.abs(e) <= tolerance).length / n : NaN,
    rmspe: n ? 100 * Math.sqrt(errs.reduce((a, e) => a + e * e, 0) / n) : NaN,
    meanRatio: n ? pairs.reduce((a, p) => a + p.predicted / p.measured, 0) / n : NaN,
  };
}

/** `n` architectures of the space drawn uniformly per layer (seeded). */
export function sampleArchitectures(space: SearchSpace, n: number, seed = 0): Choices[] {
  const layout = spaceLayout(space);
  const g = new Generator(seed);
  return Array.from({ length: n }, () => layout.layers.map((l) => l.candidates[g.int(l.candidates.length)].id));
}

/** The end-to-end latency of an architecture: the whole QuadraNet at the space's input and batch. */
export function measureArchitecture(space: SearchSpace, choices: Choices, o: { device?: Device; mode?: MeasureMode; measure?: MeasureOptions } = {}): LatencyStats {
  const device = o.device ?? 'cpu';
  const model = new QuadraNet(architectureSpec(space, choices)).to(device);
  try {
    const i = space.input;
    return measureModule(model, [space.batch, i.height, i.width, i.channels], device, o.mode ?? 'forward', o.measure);
  } finally {
    model.dispose();
  }
}

/**
 * The spread of the space's latency by the table: the table sums of `n` random architectures
 * (no measurement), at the given quantiles (default the 25th, 50th and 75th percentiles), to pick
 * search budgets from.
 */
export function spaceLatencyQuantiles(space: SearchSpace, lut: LatencyTable, o: { n?: number; seed?: number; quantiles?: number[] } = {}): { q: number; ms: number }[] {
  const sums = sampleArchitectures(space, o.n ?? 1000, o.seed ?? 0).map((c) => lutArchitectureLatency(lut, space, c).total).sort((a, b) => a - b);
  return (o.quantiles ?? [0.25, 0.5, 0.75]).map((q) => ({ q, ms: quantile(sums, q) }));
}

export interface ArchitectureSample {
  choices: Choices;
  measured: LatencyStats;
  lutSum: number;
  predicted?: number;
}

export interface LatencyModelReport {
  samples: ArchitectureSample[];
  lut: PredictionQuality;
  predictor?: PredictionQuality;
}

/**
 * Measures `n` random architectures and compares each with the table sum (and the predictor's
 * sum when one is given).
 */
export function evaluateLatencyModels(
  space: SearchSpace, lut: LatencyTable, o: { n: number; seed?: number; predictor?: LatencyPredictor; device?: Device; measure?: MeasureOptions; onSample?: (i: number, s: ArchitectureSample) => void },
): LatencyModelReport {
  const samples: ArchitectureSample[] = [];
  sampleArchitectures(space, o.n, o.seed ?? 0).forEach((choices, i) => {
    const s: ArchitectureSample = {
      choices, measured: measureArchitecture(space, choices, { device: o.device, mode: lut.mode, measure: o.measure }),
      lutSum: lutArchitectureLatency(lut, space, choices).total,
      // model latency = the predicted blocks + the table's measured fixed part, as nn-Meter sums kernels
      ...(o.predictor ? { predicted: o.predictor.predictArchitecture(space, choices, lut).total } : {}),
    };
    samples.push(s);
    o.onSample?.(i + 1, s);
  });
  return {
    samples,
    lut: predictionQuality(samples.map((s) => ({ predicted: s.lutSum, measured: s.measured.median }))),
    ...(o.predictor ? { predictor: predictionQuality(samples.map((s) => ({ predicted: s.predicted!, measured: s.measured.median }))) } : {}),
  };
}

/**
 * Random ops around a space's, for fitting the predictor (nn-Meter samples channels in
 * [0.4C, 1.2C]; we also vary the resolution by 0.5-1.5×): mostly blocks of every candidate, the
 * rest stems, downsamples and heads.
 */
export function predictorSampleOps(space: SearchSpace, n: number, seed = 0): OpSpec[] {
  const layout = spaceLayout(space);
  const g = new Generator(seed);
  const pick = <T>(xs: readonly T[]): T => xs[g.int(xs.length)];
  const scale = (c: number) => Math.max(1, Math.round(c * (0.4 + 0.8 * g.uniform())));
  const side = (h: number, min: number) => Math.max(min, Math.round(h * (0.5 + g.uniform())));
  const ops: OpSpec[] = [];
  while (ops.length < n) {
    const r = g.uniform();
    if (r < 0.7 && layout.layers.length) {
      const l = pick(layout.layers);
      const c = pick(l.candidates);
      if (c.kind !== 'block') continue;
      const h = side(l.h, 1);
      const C = scale(l.c);
      ops.push({ ...blockOp(space.batch, { h, w: h, c: C }, c) });
    } else if (r < 0.8) {
      ops.push({ ...layout.stem, cout: scale(layout.stem.cout) });
    } else if (r < 0.9 && layout.downsamples.length) {
      const d = pick(layout.downsamples);
      const h = side(d.h, 2);
      ops.push({ ...d, h, w: h, cin: scale(d.cin), cout: scale(d.cout) });
    } else {
      ops.push({ ...layout.head, cin: scale(layout.head.cin) });
    }
  }
  return ops;
}
