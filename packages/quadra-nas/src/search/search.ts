/**
 * The supernet search, as ProxylessNAS does it: weights trained with one sampled path per layer
 * (uniformly during the warm-up, by p = softmax(α) after it) on the weight split; after the warm-up
 * one α step every `alphaEvery` weight steps on the held-out, class-balanced α split, with two
 * sampled paths per layer and binary gates; the α gradient is the gate-derived CE part plus the
 * latency term's gradient through E[lat]; Adam (lr 1e-3, betas (0, 0.999)) then the rescale of the
 * two paths. A checkpoint after every epoch holds the weights, both optimizers, α and the generators.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ArgumentError, crossEntropy, defaultGenerator, Generator, manualSeed, optim, requireDevice, scope, tensor, type Device, type GeneratorState } from '@quadranet/core';
import { BatchLoader, countCorrect, evaluate, loadCheckpoint, permutation, saveCheckpoint, type Batch, type Dataset, type TrainState } from '@quadranet/models';
import { lutLatency, type LatencyTable } from '../latency/lut.js';
import { blockOp, fixedOps, type Choices } from '../space/layout.js';
import type { SearchSpace } from '../space/schema.js';
import { AlphaAdam, type AlphaAdamState } from './alpha-adam.js';
import { alphaGradFromGates, rescaleInvolved } from './gates.js';
import { checkLatencyLoss, expectedLatency, latencyLoss, type LatencyLossKind } from './latency-loss.js';
import { balancedSplit } from './split.js';
import { deriveChoices, type DeriveRule } from './derive.js';
import { Supernet } from './supernet.js';

export interface SearchConfig {
  /** The latency budget T, ms (of the table's batch and mode). */
  targetMs: number;
  loss: LatencyLossKind;
  /** mul-log's s and β; add-linear's λ. */
  scale: number;
  beta: number;
  lambda: number;
  epochs: number;
  /** Epochs of weight training with uniformly sampled paths before any α step. */
  warmupEpochs: number;
  batchSize: number;
  /** Weights: AdamW. */
  lr: number;
  weightDecay: number;
  alphaLr: number;
  /** One α step every this many weight steps (after the warm-up). */
  alphaEvery: number;
  /** Fraction of the training set held out (class-balanced) for α. */
  alphaSplit: number;
  /** Use only the first n training images (0: all). */
  limit: number;
  seed: number;
  /** ProxylessNAS: no CE gradient for α when skip is the active path (the latency term still applies). */
  skipActiveNoGrad: boolean;
  /** How the network is read from α at the end (default 'argmax', ProxylessNAS's; derive.ts). */
  derive?: DeriveRule;
}

export const SEARCH_DEFAULTS: Omit<SearchConfig, 'targetMs'> = {
  loss: 'mul-log', scale: 0.2, beta: 0.3, lambda: 0.1, epochs: 10, warmupEpochs: 2, batchSize: 64, lr: 2e-3, weightDecay: 0.05,
  alphaLr: 1e-3, alphaEvery: 5, alphaSplit: 0.1, limit: 0, seed: 0, skipActiveNoGrad: true,
};

export interface SearchEpoch {
  epoch: number;
  phase: 'warmup' | 'search';
  trainLoss: number;
  trainAcc: number;
  alphaSteps: number;
  /** Accuracy of the argmax architecture (in the supernet) on the α split. */
  valAcc: number;
  /** E[lat] under the current α, ms. */
  expectedMs: number;
  argmax: Choices;
  /** Table sum of the argmax architecture, ms. */
  argmaxMs: number;
  /** p per layer at the end of the epoch. */
  probs: number[][];
  seconds: number;
}

export interface SearchStep {
  epoch: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  loss: number;
  acc: number;
  expectedMs: number;
  alphaSteps: number;
  /** The current argmax architecture. */
  argmax: Choices;
}

export interface SearchStartInfo {
  params: number;
  layers: number;
  candidates: number[];
  weightImages: number;
  alphaImages: number;
  stepsPerEpoch: number;
  startEpoch: number;
  epochs: number;
}

export interface SearchHooks {
  onStart?(i: SearchStartInfo): void;
  onStep?(s: SearchStep): void;
  onEpoch?(e: SearchEpoch): void;
}

export interface SearchRun {
  space: SearchSpace;
  lut: LatencyTable;
  lutFile?: string;
  data: Dataset;
  device?: Device;
  /** Checkpoint after every epoch to this file; with `resume`, continue from it when it exists. */
  checkpoint?: string;
  resume?: boolean;
  signal?: AbortSignal;
  hooks?: SearchHooks;
}

export interface SearchOutcome {
  choices: Choices;
  probs: number[][];
  alphas: number[][];
  history: SearchEpoch[];
  /** α per layer after every epoch. */
  alphaHistory: number[][][];
  expectedMs: number;
  /** Table sum of the argmax architecture. */
  predictedMs: number;
  valAcc: number;
  testAcc: number;
  /** Per layer: the table latency of each candidate; and the fixed part. */
  latencies: { layers: number[][]; fixed: number };
  /** False when stopped by the signal before the last epoch. */
  complete: boolean;
}

interface SearchExtra {
  alphas: number[][];
  alphaAdam: AlphaAdamState;
  sampler: GeneratorState;
  alphaHistory: number[][][];
}

export function checkSearchConfig(c: SearchConfig): SearchConfig {
  checkLatencyLoss({ kind: c.loss, targetMs: c.targetMs });
  const int = (k: keyof SearchConfig, min: number) => {
    if (!Number.isInteger(c[k]) || (c[k] as number) < min) throw new ArgumentError(`search: ${k} must be an integer >= ${min}, got ${c[k]}`);
  };
  int('epochs', 1);
  int('warmupEpochs', 0);
  int('batchSize', 1);
  int('alphaEvery', 1);
  int('limit', 0);
  int('seed', 0);
  for (const k of ['lr', 'alphaLr', 'scale', 'beta', 'lambda'] as const) if (!(c[k] > 0)) throw new ArgumentError(`search: ${k} must be > 0, got ${c[k]}`);
  if (!(c.weightDecay >= 0)) throw new ArgumentError(`search: weightDecay must be >= 0, got ${c.weightDecay}`);
  if (c.derive !== undefined && c.derive !== 'argmax' && c.derive !== 'grouped') throw new ArgumentError(`search: derive must be 'argmax' or 'grouped', got ${JSON.stringify(c.derive)}`);
  if (c.warmupEpochs >= c.epochs) throw new ArgumentError(`search: warmupEpochs (${c.warmupEpochs}) must be below epochs (${c.epochs}), or α never trains`);
  return c;
}

/** The table latency of every candidate of every layer, and the fixed part (stem, downsamples, head). */
export function layerLatencies(space: SearchSpace, sn: Supernet, lut: LatencyTable, file?: string): { layers: number[][]; fixed: number } {
  const fixed = fixedOps(sn.layout).reduce((a, op) => a + lutLatency(lut, op, file), 0);
  const layers = sn.layout.layers.map((l) => l.candidates.map((c) => lutLatency(lut, blockOp(space.batch, l, c), file)));
  return { layers, fixed };
}

const archMs = (sn: Supernet, lat: { layers: number[][]; fixed: number }, choices: Choices) =>
  lat.fixed + choices.reduce((a, id, l) => a + lat.layers[l][sn.layout.layers[l].candidates.findIndex((c) => c.id === id)], 0);

/** Runs the search; see the module comment. */
export async function runSearch(config: SearchConfig, run: SearchRun): Promise<SearchOutcome> {
  const c = checkSearchConfig(config);
  const device = run.device ?? 'cpu';
  requireDevice(device);
  const { space, data } = run;
  const inp = space.input;
  if (data.train.h !== inp.height || data.train.w !== inp.width || data.train.c !== inp.channels || data.train.classes !== space.head.numClasses) {
    throw new ArgumentError(`search: the data set's images are ${data.train.h}×${data.train.w}×${data.train.c} in ${data.train.classes} classes, the space '${space.name}' takes ${inp.height}×${inp.width}×${inp.channels} into ${space.head.numClasses}`);
  }
  if (run.checkpoint) mkdirSync(dirname(run.checkpoint), { recursive: true });
  manualSeed(c.seed);
  const sampler = new Generator(c.seed + 1);
  const sn = new Supernet(space, sampler);
  const lat = layerLatencies(space, sn, run.lut, run.lutFile);
  const all = c.limit > 0 && c.limit < data.train.n ? { ...data.train, n: c.limit, images: data.train.images.subarray(0, c.limit * inp.height * inp.width * inp.channels), labels: data.train.labels.subarray(0, c.limit) } : data.train;
  const split = balancedSplit(all, c.alphaSplit, c.seed + 2);
  const model = sn.model.to(device);
  const opt = new optim.AdamW(model.parameters(), { lr: c.lr, weightDecay: c.weightDecay, noDecay1d: true });
  const adam = new AlphaAdam(sn.alphas, { lr: c.alphaLr, betas: [0, 0.999] });
  const lossOpts = { kind: c.loss, targetMs: c.targetMs, scale: c.scale, beta: c.beta, lambda: c.lambda };
  let history: SearchEpoch[] = [];
  let alphaHistory: number[][][] = [];
  let startEpoch = 0;
  let step = 0;
  if (run.checkpoint && run.resume && existsSync(run.checkpoint)) {
    const st = loadCheckpoint<SearchConfig>(run.checkpoint, model, opt) as TrainState<SearchConfig> & { search: SearchExtra };
    const changed = (Object.keys(c) as (keyof SearchConfig)[]).filter((k) => k !== 'epochs' && JSON.stringify(c[k]) !== JSON.stringify(st.config[k]));
    if (changed.length) {
      const what = changed.map((k) => `${k} ${JSON.stringify(c[k])} (the checkpoint has ${JSON.stringify(st.config[k])})`).join(', ');
      throw new ArgumentError(`--resume: ${what}: ${run.checkpoint} was made with another search configuration; only the epochs may change`);
    }
    if (c.epochs < st.epoch) throw new ArgumentError(`--resume: epochs ${c.epochs} is below the ${st.epoch} epochs ${run.checkpoint} has already run`);
    sn.setAlphas(st.search.alphas);
    adam.load(st.search.alphaAdam);
    sampler.setState(st.search.sampler);
    defaultGenerator.setState(st.rng);
    history = st.history as SearchEpoch[];
    alphaHistory = st.search.alphaHistory;
    startEpoch = st.epoch;
    step = st.step;
  }
  const shape = [inp.height, inp.width, inp.channels];
  const norm = { mean: data.mean, std: data.std };
  const weightLoader = new BatchLoader(split.weights, norm, 0);
  const alphaLoader = new BatchLoader(split.alpha, norm, 0);
  const testLoader = new BatchLoader(data.test, norm, 0);
  const stepsPerEpoch = Math.ceil(split.weights.n / c.batchSize);
  run.hooks?.onStart?.({
    params: model.numParameters(), layers: sn.layers.length, candidates: sn.alphas.map((a) => a.length), weightImages: split.weights.n, alphaImages: split.alpha.n,
    stepsPerEpoch, startEpoch, epochs: c.epochs,
  });
  // the α batches restart from a seeded order every epoch, so a resumed run draws the same ones
  let alphaPass = 0;
  let alphaIter: AsyncGenerator<Batch> | null = null;
  const nextAlphaBatch = async (): Promise<Batch> => {
    for (;;) {
      if (!alphaIter) alphaIter = alphaLoader.epoch(permutation(split.alpha.n, (c.seed * 7919 + alphaPass++) >>> 0), { batchSize: c.batchSize, seed: null });
      const r = await alphaIter.next();
      if (!r.done) return r.value;
      alphaIter = null;
    }
  };
  const alphaStep = async (): Promise<void> => {
    const b = await nextAlphaBatch();
    const samples = sn.sampleTwo(sampler);
    const ce = scope(() => {
      const logits = model.forward(tensor(b.x, [b.size, ...shape], { device }));
      return crossEntropy(logits, b.labels);
    });
    ce.backward();
    const ceV = ce.item();
    ce.dispose();
    const gateGrads = sn.layers.map((m, l) => (samples[l] ? m.takeGateGrads() : null));
    model.zeroGrad();
    const E = expectedLatency(sn.alphas, lat.layers, lat.fixed);
    const { dCe, dLat } = latencyLoss(ceV, E.value, lossOpts);
    const grads = sn.alphas.map((a, l) => {
      const g = Float64Array.from(E.grad[l], (v) => dLat * v);
      const s = samples[l];
      const skipActive = s !== null && sn.layout.layers[l].candidates[s.active].kind === 'skip';
      if (s && gateGrads[l] && !(c.skipActiveNoGrad && skipActive)) {
        const ga = alphaGradFromGates(a, s.involved, gateGrads[l]!);
        for (let i = 0; i < g.length; i++) g[i] += dCe * ga[i];
      }
      return g;
    });
    const before = sn.alphas.map((a) => Float64Array.from(a));
    adam.step(grads);
    samples.forEach((s, l) => {
      if (s) rescaleInvolved(sn.alphas[l], before[l], s.involved);
    });
  };
  let complete = true;
  const evalArgmax = async (set: typeof split.alpha, loader: BatchLoader) => {
    sn.setChoices(sn.argmax());
    return (await evaluate(model, loader, set.n, 256, shape)).acc;
  };
  try {
    for (let epoch = startEpoch; epoch < c.epochs; epoch++) {
      const t0 = performance.now();
      const warm = epoch < c.warmupEpochs;
      await (alphaIter as AsyncGenerator<Batch> | null)?.return(undefined);
      alphaIter = null;
      alphaPass = epoch * 100003;
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let inEpoch = 0;
      let alphaSteps = 0;
      model.train();
      const order = permutation(split.weights.n, (c.seed * 104729 + epoch + 1) >>> 0);
      for await (const b of weightLoader.epoch(order, { batchSize: c.batchSize, seed: (c.seed * 31 + epoch) >>> 0, pad: 2, flip: data.flip })) {
        if (run.signal) await new Promise<void>((resolve) => setImmediate(resolve));
        if (run.signal?.aborted) break;
        sn.sampleSingle(sampler, warm);
        const { loss, hits } = scope(() => {
          const logits = model.forward(tensor(b.x, [b.size, ...shape], { device }));
          const l = crossEntropy(logits, b.labels);
          return { loss: l, hits: countCorrect(logits.dataSync(), b.labels, logits.shape[1]) };
        });
        loss.backward();
        const lv = loss.item();
        loss.dispose();
        optim.clipGradNorm(model.parameters(), 5);
        opt.step();
        opt.zeroGrad();
        step++;
        inEpoch++;
        lossSum += lv * b.size;
        correct += hits;
        seen += b.size;
        if (!warm && inEpoch % c.alphaEvery === 0) {
          model.train();
          await alphaStep();
          alphaSteps++;
        }
        run.hooks?.onStep?.({ epoch: epoch + 1, stepInEpoch: inEpoch, stepsPerEpoch, loss: lv, acc: hits / b.size, expectedMs: expectedLatency(sn.alphas, lat.layers, lat.fixed).value, alphaSteps, argmax: sn.argmax() });
      }
      if (run.signal?.aborted) {
        complete = false;
        break;
      }
      const valAcc = await evalArgmax(split.alpha, alphaLoader);
      const argmax = sn.argmax();
      const e: SearchEpoch = {
        epoch: epoch + 1, phase: warm ? 'warmup' : 'search', trainLoss: lossSum / seen, trainAcc: correct / seen, alphaSteps, valAcc,
        expectedMs: expectedLatency(sn.alphas, lat.layers, lat.fixed).value, argmax, argmaxMs: archMs(sn, lat, argmax),
        probs: sn.probs().map((p) => [...p]), seconds: (performance.now() - t0) / 1000,
      };
      history.push(e);
      alphaHistory.push(sn.alphas.map((a) => [...a]));
      if (run.checkpoint) {
        const extra: SearchExtra = { alphas: sn.alphas.map((a) => [...a]), alphaAdam: adam.state(), sampler: sampler.getState(), alphaHistory };
        const state = { epoch: epoch + 1, step, config: c, rng: defaultGenerator.getState(), optimizer: { step: opt.stepCount, lr: opt.lr }, history, search: extra };
        saveCheckpoint(run.checkpoint, model, opt, state);
      }
      run.hooks?.onEpoch?.(e);
    }
    const choices = deriveChoices(sn.layout, sn.probs(), c.derive ?? 'argmax');
    const valAcc = await evalArgmax(split.alpha, alphaLoader);
    const testAcc = (await evaluate(model, testLoader, data.test.n, 256, shape)).acc;
    return {
      choices, probs: sn.probs().map((p) => [...p]), alphas: sn.alphas.map((a) => [...a]), history, alphaHistory,
      expectedMs: expectedLatency(sn.alphas, lat.layers, lat.fixed).value, predictedMs: archMs(sn, lat, choices), valAcc, testAcc, latencies: lat, complete,
    };
  } finally {
    await weightLoader.close();
    await alphaLoader.close();
    await testLoader.close();
    opt.dispose();
    sn.dispose();
  }
}
