/**
 * The XOR demonstration of the paper's Figure 2: one low-rank quadratic neuron separates XOR, a
 * perceptron cannot, and a 10-unit MLP can. Data are in ±1 coordinates (class 1 where the signs
 * of x₁ and x₂ differ); each model is trained on the four points plus a seeded Gaussian cloud
 * around them and scored on the four points.
 *
 * Why a perceptron is at most 3/4 on the four points, for any w, b: with z = w·x + b,
 * z(−1,1) + z(1,−1) = 2b = z(−1,−1) + z(1,1). Getting both class-1 points right (z > 0) makes
 * that sum positive; getting both class-0 points right (z ≤ 0) makes it non-positive.
 *
 * @example
 * const r = runXor({ seed: 1, steps: 200, outDir: 'out' }); // writes out/xor.svg, out/xor.json
 * for (const m of r.models) console.log(m.name, m.correct, '/ 4');
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { checkOptionKeys, Generator, optionKeys } from '@quadranet/core';
import { xorCloud, xorCorners } from './data.js';
import { initXorModel, sigmoid, trainXorModel, XOR_MODELS, xorLogits, type XorModelKey } from './models.js';
import { gridPoints, renderXorSvg, type GridSpec, type XorPanel } from './svg.js';
import { writeFileAtomic } from '@quadranet/core';

export { XOR_CORNERS, xorCloud, xorCorners, xorLabel, type XorData } from './data.js';
export { MLP_HIDDEN, XOR_MODELS, type XorModelKey, type XorModelSpec } from './models.js';
export { gridPoints, renderXorSvg, type GridSpec, type XorPanel } from './svg.js';

export interface XorOptions {
  /** Seeds the cloud and every model's initialisation (default 1). */
  seed?: number;
  /** Full-batch AdamW steps per model (default 200). */
  steps?: number;
  /** AdamW learning rate, no weight decay (default 0.05). */
  lr?: number;
  /** Std of the initial weights; biases start at zero (default 0.1). */
  initStd?: number;
  /** Cloud points per corner, 0 for the four points alone (default 16). */
  perCorner?: number;
  /** Std of the cloud around each corner (default 0.2). */
  cloudStd?: number;
  /** Where to write xor.svg and xor.json (created if missing); nothing is written without it. */
  outDir?: string;
  /** Grid cells per side of each panel (default 80). */
  resolution?: number;
}

export interface XorModelResult {
  key: XorModelKey;
  name: string;
  /** Correct predictions on the four XOR points (class 1 where the logit is > 0). */
  correct: number;
  /** correct / 4. */
  accuracy: number;
  /** Accuracy on the whole training set (the four points and the cloud). */
  trainAccuracy: number;
  /** Mean logistic loss on the training set after the last step. */
  finalLoss: number;
  /** P(class 1) at the four points, in XOR_CORNERS order. */
  probabilities: number[];
  numParameters: number;
  /** Trained values by parameter name (QuadraLinear: a.* = wa/ba, b.* = wb/bb, c.* = wc/bc). */
  parameters: Record<string, number[]>;
}

export interface XorResult {
  seed: number;
  steps: number;
  lr: number;
  initStd: number;
  /** Coordinates of the four points: ±1, class 1 where the signs differ. */
  coordinates: '±1';
  trainPoints: number;
  models: XorModelResult[];
  /** Wall time of training and evaluation (and writing, with outDir), in ms. */
  ms: number;
  /** Paths written, with outDir. */
  files?: { svg: string; json: string };
}

function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`runXor: ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`runXor: ${name} must be a positive number, got ${v}`);
  return v;
}

function countCorrect(logits: Float32Array, labels: Int32Array): number {
  let k = 0;
  for (let i = 0; i < labels.length; i++) if ((logits[i] > 0 ? 1 : 0) === labels[i]) k++;
  return k;
}

/** Trains the three models and scores them; with `outDir`, writes xor.svg and xor.json atomically. */
const XOR_KEYS = optionKeys<XorOptions>()('seed', 'steps', 'lr', 'initStd', 'perCorner', 'cloudStd', 'outDir', 'resolution');

export function runXor(opts: XorOptions = {}): XorResult {
  checkOptionKeys('runXor', opts, XOR_KEYS);
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`runXor: seed must be an integer, got ${seed}`);
  const steps = positiveInt('steps', opts.steps ?? 200, 0);
  const lr = positive('lr', opts.lr ?? 0.05);
  const initStd = positive('initStd', opts.initStd ?? 0.1);
  const perCorner = positiveInt('perCorner', opts.perCorner ?? 16, 0);
  const cloudStd = positive('cloudStd', opts.cloudStd ?? 0.2);
  const resolution = positiveInt('resolution', opts.resolution ?? 80);

  // Independent streams for the data and each model, all from the one seed.
  const master = new Generator(seed);
  const data = xorCloud(perCorner, cloudStd, new Generator(master.nextU32()));
  const modelSeeds = XOR_MODELS.map(() => master.nextU32());
  const corners = xorCorners();
  const grid: GridSpec = { lo: -1.5, hi: 1.5, resolution };
  const gridXs = opts.outDir !== undefined ? gridPoints(grid) : null;

  const models: XorModelResult[] = [];
  const panels: XorPanel[] = [];
  XOR_MODELS.forEach((spec, k) => {
    const m = spec.make();
    try {
      initXorModel(m, new Generator(modelSeeds[k]), initStd);
      const finalLoss = trainXorModel(m, data, { steps, lr });
      const zc = xorLogits(m, corners.x);
      const correct = countCorrect(zc, corners.y);
      models.push({
        key: spec.key,
        name: spec.name,
        correct,
        accuracy: correct / 4,
        trainAccuracy: countCorrect(xorLogits(m, data.x), data.y) / data.n,
        finalLoss,
        probabilities: Array.from(zc, sigmoid),
        numParameters: m.numParameters(),
        parameters: Object.fromEntries([...m.namedParameters()].map(([name, p]) => [name, Array.from(p.data())])),
      });
      if (gridXs) {
        panels.push({
          title: `${spec.name}: ${correct}/4 (${Math.round((100 * correct) / 4)}%)`,
          probs: xorLogits(m, gridXs).map(sigmoid),
          cloud: { x: data.x.subarray(8), y: data.y.subarray(4) },
          corners,
        });
      }
    } finally {
      m.dispose();
    }
  });

  const result: XorResult = { seed, steps, lr, initStd, coordinates: '±1', trainPoints: data.n, models, ms: 0 };
  if (opts.outDir !== undefined) {
    fs.mkdirSync(opts.outDir, { recursive: true });
    const svg = join(opts.outDir, 'xor.svg');
    const json = join(opts.outDir, 'xor.json');
    const caption = `seed ${seed}, ${steps} AdamW steps, ${data.n} training points`;
    writeFileAtomic(svg, renderXorSvg(panels, grid, caption));
    result.files = { svg, json };
    result.ms = Math.round(performance.now() - t0);
    writeFileAtomic(json, JSON.stringify(result, null, 2) + '\n');
  } else {
    result.ms = Math.round(performance.now() - t0);
  }
  return result;
}

/** A few lines for the command line: one per model, then the files written. */
export function formatXorReport(r: XorResult): string {
  const lines = [`XOR (seed ${r.seed}, ${r.steps} steps, ${r.trainPoints} training points, ${r.ms} ms)`];
  for (const m of r.models) {
    lines.push(`  ${m.name.padEnd(26)} ${m.correct}/4 XOR points   train acc ${(100 * m.trainAccuracy).toFixed(1).padStart(5)}%   loss ${m.finalLoss.toFixed(4)}   ${m.numParameters} params`);
  }
  if (r.files) lines.push(`  wrote ${r.files.svg}`, `  wrote ${r.files.json}`);
  return lines.join('\n');
}
