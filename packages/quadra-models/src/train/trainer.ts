/**
 * The training loop: AdamW (no decay on 1-D parameters) with linear warm-up + cosine schedule,
 * label-smoothed cross-entropy, gradient clipping, an evaluation pass and an atomic checkpoint
 * after every epoch. Every source of randomness is seeded per epoch or saved in the checkpoint,
 * so a resumed run continues exactly as the uninterrupted one would have.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crossEntropy, defaultGenerator, manualSeed, noGrad, optim, requireDevice, scope, tensor, writeFileAtomic, type Device, type nn } from '@quadranet/core';
import { BatchLoader, permutation } from '../data/loader.js';
import { loadFashionMnist, syntheticDataset, type Dataset, type ImageSet } from '../data/dataset.js';

import { loadCheckpoint, readCheckpointState, saveCheckpoint, type TrainState } from './checkpoint.js';
import { buildModel, checkConfig, type TrainConfig } from './config.js';
import { curvesSvg, type EpochMetrics } from './curves.js';
import { describeModel } from './model-spec.js';

export interface StepInfo {
  epoch: number;
  step: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  loss: number;
  acc: number;
  lr: number;
  imagesPerSecond: number;
}

export interface TrainHooks {
  onStep?(s: StepInfo): void;
  onEpoch?(m: EpochMetrics): void;
  onStart?(info: { params: number; startEpoch: number; stepsPerEpoch: number; trainSize: number; testSize: number; usesWorker: boolean }): void;
  /** Stop (as if killed) after this many completed epochs of this call. */
  stopAfterEpochs?: number;
}

/** How to run (not part of the saved configuration: a checkpoint resumes on any device). */
export interface RunOptions {
  /** Where the model, the batches and the optimizer state live (default cpu). */
  device?: Device;
}

export interface TrainResult {
  history: EpochMetrics[];
  final: EpochMetrics;
  params: number;
  checkpoint: string;
}

/** Epoch-specific seeds derived from the run's seed. */
const mix = (seed: number, epoch: number, salt: number) => (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b) ^ salt) >>> 0;

export function loadDataset(c: TrainConfig): Dataset {
  return c.dataset === 'synthetic' ? syntheticDataset(2048, 512, 28, c.seed) : loadFashionMnist(c.dataDir);
}

function limited(set: ImageSet, limit: number): ImageSet {
  if (!limit || limit >= set.n) return set;
  const px = set.h * set.w * set.c;
  return { ...set, n: limit, images: set.images.subarray(0, limit * px), labels: set.labels.subarray(0, limit) };
}

/**
 * Test-set loss and accuracy (no augmentation, no tape), on the device the model's parameters are
 * on: each batch is uploaded there, and only the logits come back.
 */
export async function evaluate(model: nn.Module, loader: BatchLoader, n: number, batchSize: number, shape: number[]): Promise<{ loss: number; acc: number }> {
  model.eval();
  const device = model.parameters()[0]?.device ?? 'cpu';
  let loss = 0;
  let correct = 0;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for await (const b of loader.epoch(order, { batchSize, seed: null })) {
    noGrad(() => scope(() => {
      const x = tensor(b.x, [b.size, ...shape], { device });
      const logits = model.forward(x);
      loss += crossEntropy(logits, b.labels).item() * b.size;
      correct += countCorrect(logits.dataSync(), b.labels, logits.shape[1]);
    }));
  }
  model.train();
  return { loss: loss / n, acc: correct / n };
}

function countCorrect(logits: ArrayLike<number>, labels: Int32Array, classes: number): number {
  let c = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[i * classes + k] > logits[i * classes + best]) best = k;
    if (best === labels[i]) c++;
  }
  return c;
}

/**
 * Trains (or resumes) a model; writes `checkpoint.safetensors` every epoch, and `metrics.json`
 * and `curves.svg` at the end, into `outDir`. With `run.device` 'cuda' the model and optimizer
 * state live on the GPU, each batch is uploaded once, and the loss and logits are read back once
 * per step; checkpoints hold host copies in the same format, so a run resumes on either device.
 */
export async function train(config: TrainConfig, outDir: string, resume: boolean, hooks: TrainHooks = {}, run: RunOptions = {}): Promise<TrainResult> {
  const device = run.device ?? 'cpu';
  requireDevice(device); // fail before any data is read
  mkdirSync(outDir, { recursive: true });
  const ckpt = join(outDir, 'checkpoint.safetensors');
  let c = checkConfig(config);
  let state: TrainState<TrainConfig> | null = null;
  if (resume && existsSync(ckpt)) {
    // The checkpoint's configuration wins: the run continues as it started.
    c = checkConfig(readCheckpointState<TrainConfig>(ckpt).state.config);
  }
  manualSeed(c.seed);
  const data = loadDataset(c);
  const trainSet = limited(data.train, c.limit);
  const model = buildModel(c, trainSet.c, trainSet.classes).to(device);
  const opt = new optim.AdamW(model.parameters(), { lr: c.lr, weightDecay: c.weightDecay, noDecay1d: true });
  const stepsPerEpoch = Math.ceil(trainSet.n / c.batchSize);
  const sched = new optim.WarmupCosine({
    baseLr: c.lr, totalSteps: c.epochs * stepsPerEpoch, warmupSteps: Math.min(c.epochs * stepsPerEpoch, Math.round(c.warmup * stepsPerEpoch)), minLr: c.lr * 0.01,
  });
  let history: EpochMetrics[] = [];
  let step = 0;
  let startEpoch = 0;
  if (resume && existsSync(ckpt)) {
    state = loadCheckpoint<TrainConfig>(ckpt, model, opt);
    defaultGenerator.setState(state.rng);
    history = state.history as EpochMetrics[];
    step = state.step;
    startEpoch = state.epoch;
  }
  const norm = { mean: data.mean, std: data.std };
  const trainLoader = new BatchLoader(trainSet, norm, c.workers);
  const testLoader = new BatchLoader(data.test, norm, 0);
  const shape = [trainSet.h, trainSet.w, trainSet.c];
  const spec = describeModel(c.model, model, { input: [trainSet.h, trainSet.w, trainSet.c], mean: data.mean, std: data.std, classNames: data.classNames });
  hooks.onStart?.({ params: model.numParameters(), startEpoch, stepsPerEpoch, trainSize: trainSet.n, testSize: data.test.n, usesWorker: trainLoader.usesWorker });
  model.train();
  try {
    for (let epoch = startEpoch; epoch < c.epochs; epoch++) {
      if (hooks.stopAfterEpochs !== undefined && epoch - startEpoch >= hooks.stopAfterEpochs) break;
      const t0 = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let inEpoch = 0;
      const order = permutation(trainSet.n, mix(c.seed, epoch, 1));
      const batches = trainLoader.epoch(order, { batchSize: c.batchSize, seed: mix(c.seed, epoch, 2), pad: c.cropPad, flip: data.flip });
      for await (const b of batches) {
        const lr = sched.apply(opt, step);
        const { loss, hits } = scope(() => {
          const x = tensor(b.x, [b.size, ...shape], { device });
          const logits = model.forward(x);
          const l = crossEntropy(logits, b.labels, { labelSmoothing: c.labelSmoothing });
          return { loss: l, hits: countCorrect(logits.dataSync(), b.labels, logits.shape[1]) };
        });
        loss.backward();
        const lv = loss.item();
        loss.dispose();
        if (c.clipGrad > 0) optim.clipGradNorm(model.parameters(), c.clipGrad);
        opt.step();
        opt.zeroGrad();
        step++;
        inEpoch++;
        lossSum += lv * b.size;
        correct += hits;
        seen += b.size;
        hooks.onStep?.({
          epoch: epoch + 1, step, stepInEpoch: inEpoch, stepsPerEpoch, loss: lv, acc: hits / b.size, lr,
          imagesPerSecond: seen / ((performance.now() - t0) / 1000),
        });
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      const test = await evaluate(model, testLoader, data.test.n, 500, shape);
      const m: EpochMetrics = {
        epoch: epoch + 1, train_loss: lossSum / seen, train_acc: correct / seen, test_loss: test.loss, test_acc: test.acc,
        lr: opt.lr, images_per_s: seen / trainSeconds, seconds: (performance.now() - t0) / 1000,
      };
      history.push(m);
      saveCheckpoint(ckpt, model, opt, { epoch: epoch + 1, step, config: c, rng: defaultGenerator.getState(), optimizer: { step: opt.stepCount, lr: opt.lr }, history, model: spec });
      hooks.onEpoch?.(m);
    }
  } finally {
    await trainLoader.close();
    await testLoader.close();
  }
  const final = history[history.length - 1];
  if (history.length === c.epochs) {
    writeFileAtomic(join(outDir, 'metrics.json'), JSON.stringify({ config: c, params: model.numParameters(), final, history }, null, 2) + '\n');
    writeFileAtomic(join(outDir, 'curves.svg'), curvesSvg(history, `${c.model} on ${c.dataset}`));
  }
  const params = model.numParameters();
  model.dispose();
  opt.dispose();
  return { history, final, params, checkpoint: ckpt };
}
