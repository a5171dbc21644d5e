/**
 * Latency predictor for ops a table does not hold (other widths, resolutions, batches): one
 * random forest per op kind (ml-random-forest), as nn-Meter keeps one per kernel, fitted on a
 * table's measured entries. The target is log(ms per MFLOP), so predictions scale with the op's
 * work beyond the measured range. A kind without a fitted forest is a PredictorError, never 0 ms.
 */
import { RandomForestRegression } from 'ml-random-forest';
import { ArgumentError } from '@quadranet/core';
import { PredictorError } from '../errors.js';
import { architectureOps, opKey, type Choices, type OpKind, type OpSpec } from '../space/layout.js';
import type { SearchSpace } from '../space/schema.js';
import { opFeatures, opFlops } from './features.js';
import { lutLatency, type LatencyTable, type LutEntry } from './lut.js';

export const PREDICTOR_FORMAT = 'quadranet-nas-predictor/1';

type RfModel = ReturnType<RandomForestRegression['toJSON']>;
type PredictedKind = Exclude<OpKind, 'skip'>;
const KINDS: PredictedKind[] = ['stem', 'downsample', 'block', 'head'];

export interface PredictorOptions {
  /** Trees per forest (default 64). */
  trees?: number;
  /** Seed of the forests' bagging and feature choice (default 1). */
  seed?: number;
  /** A kind needs at least this many measured entries for a forest (default 3). */
  minSamples?: number;
}

export interface ArchitectureLatency {
  /** Milliseconds: fixed + blocks. */
  total: number;
  /** Stem, downsamples and head. */
  fixed: number;
  /** Per searchable layer (0 for skip). */
  blocks: number[];
}

const isFixed = (op: OpSpec) => op.kind === 'stem' || op.kind === 'downsample' || op.kind === 'head';
const logTarget = (op: OpSpec, ms: number) => Math.log(ms / (opFlops(op) / 1e6));

export class LatencyPredictor {
  private constructor(private readonly forests: Partial<Record<PredictedKind, RandomForestRegression>>, readonly samples: Partial<Record<PredictedKind, number>>) {}

  /** Fits a forest per op kind on the measured entries (entries with n = 0, the identities, are ignored). */
  static fit(entries: readonly LutEntry[], o: PredictorOptions = {}): LatencyPredictor {
    const trees = o.trees ?? 64;
    const minSamples = o.minSamples ?? 3;
    if (!Number.isInteger(trees) || trees < 1) throw new ArgumentError(`LatencyPredictor.fit: trees must be a positive integer, got ${trees}`);
    const forests: Partial<Record<PredictedKind, RandomForestRegression>> = {};
    const samples: Partial<Record<PredictedKind, number>> = {};
    for (const kind of KINDS) {
      const es = entries.filter((e) => e.op.kind === kind && e.n > 0 && e.median > 0);
      samples[kind] = es.length;
      if (es.length < minSamples) continue;
      const rf = new RandomForestRegression({
        nEstimators: trees, seed: o.seed ?? 1, maxFeatures: 0.8, replacement: true, useSampleBagging: true, noOOB: true,
        treeOptions: { minNumSamples: 2 },
      });
      rf.train(es.map((e) => opFeatures(e.op as OpSpec)), es.map((e) => logTarget(e.op as OpSpec, e.median)));
      forests[kind] = rf;
    }
    return new LatencyPredictor(forests, samples);
  }

  /** Fits on every measured entry of a table. */
  static fromLut(lut: LatencyTable, o: PredictorOptions = {}): LatencyPredictor {
    return LatencyPredictor.fit(Object.values(lut.entries), o);
  }

  /** The op kinds this predictor has a forest for. */
  get kinds(): PredictedKind[] {
    return KINDS.filter((k) => this.forests[k]);
  }

  /** Predicted milliseconds of one op; skip is 0 (identity); a kind without a forest is a PredictorError. */
  predictOp(op: OpSpec): number {
    return this.predictOps([op])[0];
  }

  predictOps(ops: readonly OpSpec[]): number[] {
    const out = new Array<number>(ops.length).fill(0);
    for (const kind of KINDS) {
      const idx = ops.map((op, i) => (op.kind === kind ? i : -1)).filter((i) => i >= 0);
      if (idx.length === 0) continue;
      const rf = this.forests[kind];
      if (!rf) {
        throw new PredictorError(`no latency model for '${kind}' ops such as ${opKey(ops[idx[0]])}: the table had ${this.samples[kind] ?? 0} measured ${kind} entries; profile more (quadra profile --predictor-samples N)`, opKey(ops[idx[0]]));
      }
      const ys = rf.predict(idx.map((i) => opFeatures(ops[i])));
      idx.forEach((i, j) => {
        out[i] = Math.exp(ys[j]) * (opFlops(ops[i]) / 1e6);
      });
    }
    ops.forEach((op, i) => {
      if (op.kind !== 'skip' && !KINDS.includes(op.kind as PredictedKind)) throw new PredictorError(`unknown op kind '${op.kind}'`, opKey(op));
    });
    return out;
  }

  /**
   * Predicted latency of an architecture of `space`: its fixed ops plus a block per layer. With
   * `measuredFixed`, the fixed part (stem, downsamples, head) is that table's measurement (an
   * entry it lacks is predicted).
   */
  predictArchitecture(space: SearchSpace, choices: Choices, measuredFixed?: LatencyTable): ArchitectureLatency {
    const ops = architectureOps(space, choices);
    const ms = this.predictOps(ops.filter((op) => !(measuredFixed && isFixed(op) && measuredFixed.entries[opKey(op)])));
    let j = 0;
    return splitLatency(ops, ops.map((op) => (measuredFixed && isFixed(op) && measuredFixed.entries[opKey(op)] ? measuredFixed.entries[opKey(op)].median : ms[j++])));
  }

  toJSON(): { format: string; samples: Partial<Record<PredictedKind, number>>; forests: Partial<Record<PredictedKind, RfModel>> } {
    const forests: Partial<Record<PredictedKind, RfModel>> = {};
    for (const k of this.kinds) forests[k] = this.forests[k]!.toJSON();
    return { format: PREDICTOR_FORMAT, samples: { ...this.samples }, forests };
  }

  static fromJSON(json: ReturnType<LatencyPredictor['toJSON']>): LatencyPredictor {
    if (json?.format !== PREDICTOR_FORMAT) throw new ArgumentError(`LatencyPredictor.fromJSON: expected format '${PREDICTOR_FORMAT}', got ${JSON.stringify(json?.format)}`);
    const forests: Partial<Record<PredictedKind, RandomForestRegression>> = {};
    for (const k of KINDS) if (json.forests[k]) forests[k] = RandomForestRegression.load(json.forests[k]!);
    return new LatencyPredictor(forests, json.samples);
  }
}

/** Fixed part (the first 1 + downsamples + 1 ops) and per-layer block latencies from an op list in architectureOps order. */
function splitLatency(ops: readonly OpSpec[], ms: readonly number[]): ArchitectureLatency {
  const nFixed = ops.filter(isFixed).length;
  const fixed = ms.slice(0, nFixed).reduce((a, b) => a + b, 0);
  const blocks = ms.slice(nFixed);
  return { total: fixed + blocks.reduce((a, b) => a + b, 0), fixed, blocks: [...blocks] };
}

/** The plain table sum of an architecture: its fixed ops and blocks, each the table's median. */
export function lutArchitectureLatency(lut: LatencyTable, space: SearchSpace, choices: Choices, file?: string): ArchitectureLatency {
  const ops = architectureOps(space, choices);
  return splitLatency(ops, ops.map((op) => lutLatency(lut, op, file)));
}
