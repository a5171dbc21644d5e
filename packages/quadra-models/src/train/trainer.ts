/**
 * The training loop: AdamW (no decay on 1-D parameters; per-stage lr groups under --layer-decay)
 * with linear warm-up + cosine schedule, label-smoothed cross-entropy (soft-target under
 * mixup/CutMix, see recipe.ts), gradient clipping, an optional weight EMA updated after each
 * optimizer step, an evaluation pass (raw weights and EMA, optionally with flip TTA) and an atomic
 * checkpoint after every epoch. Every source of randomness is seeded per epoch or saved in the checkpoint,
 * so a resumed run continues exactly as the uninterrupted one would have. A non-finite loss or
 * gradient norm never reaches the weights: the step is skipped (up to skipNonfinite) or the run
 * stops, keeping the last good checkpoint.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crossEntropy, defaultGenerator, manualSeed, noGrad, optim, removeStaleTemps, requireDevice, scope, tensor, type Device, type distributed, type nn } from '@quadranet/core';
import { BatchLoader, permutation } from '../data/loader.js';
import { loadFashionMnist, syntheticDataset, type Dataset, type ImageSet } from '../data/dataset.js';

import { loadCheckpoint, saveCheckpoint, type PartialEpoch, type TrainState } from './checkpoint.js';
import { buildModel, type TrainConfig } from './config.js';
import type { EpochMetrics } from './curves.js';
import { TrainingDivergedError, TrainingInterruptedError, type StopPoint } from './errors.js';
import { describeModel } from './model-spec.js';
import { NonFiniteGuard, paramsFinite } from './nonfinite.js';
import { guardWrite } from './output-write.js';
import { bestEpoch, writeCsv, writeReport, type RunEnd } from './report.js';
import { runConfig } from './resume.js';
import { splitValidation } from './split.js';
import { erasingOf, inputSize, withRecipeDefaults } from './recipe-config.js';
import { createEma, mixTargets, paramGroups, trainLoss } from './recipe.js';
import type { TtaMode } from './recipe-config.js';
import { ttaLogits } from './tta.js';
import { anyRank, checkSameStart, createDataParallel, localBatch, shardRange, sumAcross, syncFromRankZero, type DataParallel } from './data-parallel.js';

export interface StepInfo {
  epoch: number;
  step: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  loss: number;
  acc: number;
  lr: number;
  imagesPerSecond: number;
  /**
   * Data-parallel runs: this step's time in the gradient reduction, in ms: `waitMs` is the
   * communication the backward did not hide (finish() waiting), `packMs`/`unpackMs` the copies
   * into and out of the buckets, `statsMs` the small loss/accuracy sum; `bytes` reduced per rank.
   */
  comm?: { waitMs: number; packMs: number; unpackMs: number; statsMs: number; bytes: number };
}

export interface StartInfo {
  /** The zoo name (the checkpoint's on resume). */
  model: string;
  params: number;
  /** Epochs already completed (0 for a new run). */
  startEpoch: number;
  /** Epochs the run now ends after. */
  epochs: number;
  stepsPerEpoch: number;
  trainSize: number;
  /** Validation images (0 without a validation split). */
  valSize: number;
  testSize: number;
  usesWorker: boolean;
  /** When resuming: the epochs the checkpoint's run was planned for (≠ epochs when --epochs changed it: the schedule is recomputed). */
  plannedEpochs?: number;
}

export interface TrainHooks {
  onStep?(s: StepInfo): void;
  onEpoch?(m: EpochMetrics): void;
  onStart?(info: StartInfo): void;
  /** Something that does not stop the run but the user should know (a warm-up longer than the run, a skipped step). */
  onWarning?(message: string): void;
  /** Stop (as if killed) after this many completed epochs of this call. */
  stopAfterEpochs?: number;
}

/** How to run (not part of the saved configuration: a checkpoint resumes on any device). */
export interface RunOptions {
  /** Where the model, the batches and the optimizer state live (default cpu). */
  device?: Device;
  /**
   * Stops the run after the current step (Ctrl-C in the CLI): metrics.json, metrics.csv and
   * curves.svg are written for the completed epochs, the last epoch's checkpoint is kept, and
   * train() rejects with a TrainingInterruptedError.
   */
  signal?: AbortSignal;
  /**
   * On resume, the configuration fields the caller chose (the CLI: the flags given); those that may
   * not change must equal the checkpoint's. The rest come from the checkpoint. Default: every field.
   */
  explicit?: readonly (keyof TrainConfig)[];
  /**
   * Train data-parallel on this process group (core's distributed.initProcessGroup): every rank
   * calls train() with the same configuration; config.batchSize is the global batch, split among
   * the ranks; rank 0 alone writes the checkpoint and the metrics. Absent or a world of one: alone.
   */
  group?: distributed.ProcessGroup;
  /** Gradient bucket size in MB for the data-parallel reduction (default 1). */
  bucketMb?: number;
}

export interface TrainResult {
  history: EpochMetrics[];
  final: EpochMetrics;
  params: number;
  checkpoint: string;
  /** How the run ended: complete, or stopped early by patience. */
  end: RunEnd;
  /** The best validation epoch and its copy of the checkpoint (runs with a validation split). */
  best?: { epoch: EpochMetrics; checkpoint: string };
}

/** Epoch-specific seeds derived from the run's seed. */
const mix = (seed: number, epoch: number, salt: number) => (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b) ^ salt) >>> 0;

export function loadDataset(c: TrainConfig): Dataset {
  return c.dataset === 'synthetic' ? syntheticDataset(2048, 512, 28, c.seed) : loadFashionMnist(c.dataDir);
}

/** The first `limit` images of a set (all when limit is 0). */
export function limited(set: ImageSet, limit: number): ImageSet {
  if (!limit || limit >= set.n) return set;
  const px = set.h * set.w * set.c;
  return { ...set, n: limit, images: set.images.subarray(0, limit * px), labels: set.labels.subarray(0, limit) };
}

/**
 * Test-set loss and accuracy (no augmentation but `tta`'s, no tape), on the device the model's
 * parameters are on: each batch is uploaded there, and only the logits come back.
 */
export async function evaluate(
  model: nn.Module, loader: BatchLoader, n: number, batchSize: number, shape: number[], onBatch?: (images: number, total: number) => void, tta: TtaMode = 'none',
  dp: DataParallel | null = null,
): Promise<{ loss: number; acc: number }> {
  model.eval();
  const device = model.parameters()[0]?.device ?? 'cpu';
  let loss = 0;
  let correct = 0;
  let done = 0;
  // data-parallel: each rank evaluates its share of the set, and the sums are added up
  const [lo, hi] = dp ? shardRange(n, dp.group.rank, dp.group.worldSize) : [0, n];
  const order = Int32Array.from({ length: hi - lo }, (_, i) => lo + i);
  for await (const b of loader.epoch(order, { batchSize, seed: null })) {
    noGrad(() => scope(() => {
      const x = tensor(b.x, [b.size, ...shape], { device });
      const logits = ttaLogits(model, x, b.x, [b.size, ...shape], tta, (d) => tensor(d, [b.size, ...shape], { device }));
      loss += crossEntropy(logits, b.labels).item() * b.size;
      correct += countCorrect(logits.dataSync(), b.labels, logits.shape[1]);
    }));
    done += b.size;
    onBatch?.(done, hi - lo);
  }
  model.train();
  if (dp) [loss, correct] = sumAcross(dp, [loss, correct]);
  return { loss: loss / n, acc: correct / n };
}

/**
 * One batch's forward, loss (against mixed targets when there are any) and backward, then the
 * gradient norm, measured (and clipped when clipGrad > 0) before any weight changes: the part of a
 * step that `train` and `lrFind` share. Returns the loss, the batch's correct predictions and the norm.
 */
export function lossAndGradients(
  model: nn.Module, c: TrainConfig, b: { x: Float32Array; labels: Int32Array; size: number }, shape: readonly number[], targets: Float32Array | null, device: Device,
  reduce?: { dp: DataParallel; weight: number },
): { loss: number; hits: number; gradNorm: number } {
  const reducer = reduce?.dp.reducer;
  // the rank's share of the global batch weighs its gradients through the backward's seed
  reducer?.begin(1);
  let lv = 0;
  let hits = 0;
  if (b.size > 0) {
    const r = scope(() => {
      const logits = model.forward(tensor(b.x, [b.size, ...shape], { device }));
      const l = trainLoss(logits, b.labels, targets, c.labelSmoothing);
      return { loss: l, hits: countCorrect(logits.dataSync(), b.labels, logits.shape[1]) };
    });
    if (reducer) r.loss.backward(tensor(new Float32Array([reduce!.weight]), r.loss.shape, { device }), { onGradReady: reducer.onGradReady });
    else r.loss.backward();
    lv = r.loss.item();
    hits = r.hits;
    r.loss.dispose();
  }
  if (reducer) {
    reducer.finish();
    // the global batch's mean loss and hits: the ranks' shares add up
    const t0 = performance.now();
    [lv, hits] = sumAcross(reduce!.dp, [lv * reduce!.weight, hits]);
    reduce!.dp.statsMs = performance.now() - t0;
  }
  return { loss: lv, hits, gradNorm: optim.clipGradNorm(model.parameters(), c.clipGrad > 0 ? c.clipGrad : Infinity) };
}

/** How many rows of `logits` ([rows, classes]) have their largest value at the label. */
export function countCorrect(logits: ArrayLike<number>, labels: Int32Array, classes: number): number {
  let c = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[i * classes + k] > logits[i * classes + best]) best = k;
    if (best === labels[i]) c++;
  }
  return c;
}


/**
 * Trains (or resumes) a model; writes `checkpoint.safetensors` and `metrics.csv` every epoch
 * (`best.safetensors` too when the validation accuracy improves; the checkpoint also every
 * `checkpointEvery` steps mid-epoch, resumed exactly at that step), and `metrics.json` and
 * `curves.svg` when the run ends, into `outDir`. `resume`: true continues the checkpoint in
 * `outDir` (an error when there is none), 'auto' continues it when there is one. A resumed run
 * keeps its configuration except the fields in RESUMABLE: raising `epochs` extends it, with the
 * schedule recomputed for the new length. With `run.device` 'cuda' the model and optimizer state
 * live on the GPU, each batch is uploaded once, and the loss and logits are read back once per step;
 * checkpoints hold host copies in the same format, so a run resumes on either device.
 */
export async function train(config: TrainConfig, outDir: string, resume: boolean | 'auto', hooksIn: TrainHooks = {}, run: RunOptions = {}): Promise<TrainResult> {
  const device = run.device ?? 'cpu';
  // data-parallel: rank 0 writes the files and reports; every rank computes
  const lead = !run.group || run.group.rank === 0;
  const hooks: TrainHooks = lead ? hooksIn : { stopAfterEpochs: hooksIn.stopAfterEpochs };
  const write = (file: string, kept: () => string, fn: () => void): void => {
    if (lead) guardWrite(file, kept, fn);
  };
  requireDevice(device); // fail before any data is read
  const ckpt = join(outDir, 'checkpoint.safetensors');
  const bestFile = join(outDir, 'best.safetensors');
  guardWrite(outDir, () => 'nothing was written', () => mkdirSync(outDir, { recursive: true }));
  // a run killed while writing leaves a temporary file beside the target: never read, removed here
  const stale = lead ? removeStaleTemps(outDir) : [];
  const { c, saved } = runConfig(config, ckpt, resume, run.explicit);
  manualSeed(c.seed);
  const data = loadDataset(c);
  const all = limited(data.train, c.limit);
  const { train: trainSet, val: valSet } = c.valSplit ? splitValidation(all, c.valSplit, mix(c.seed, 0, 3)) : { train: all, val: null };
  const model = buildModel(c, trainSet.c, trainSet.classes).to(device);
  const opt = new optim.AdamW(paramGroups(c, model), { lr: c.lr, weightDecay: c.weightDecay, noDecay1d: true });
  const recipe = withRecipeDefaults(c);
  const ema = createEma(c, model, trainSet.c, trainSet.classes, device);
  const stepsPerEpoch = Math.ceil(trainSet.n / c.batchSize);
  const totalSteps = c.epochs * stepsPerEpoch;
  const warmupSteps = Math.round(c.warmup * stepsPerEpoch);
  const sched = new optim.WarmupCosine({ baseLr: c.lr, totalSteps, warmupSteps: Math.min(totalSteps, warmupSteps), minLr: c.lr * 0.01 });
  let history: EpochMetrics[] = [];
  let step = 0;
  let startEpoch = 0;
  let partial: PartialEpoch | undefined;
  if (saved) {
    const state = loadCheckpoint<TrainConfig>(ckpt, model, opt, { ema: ema?.module });
    if (ema) ema.updates = state.ema?.updates ?? 0;
    defaultGenerator.setState(state.rng);
    history = state.history as EpochMetrics[];
    step = state.step;
    startEpoch = state.epoch;
    partial = state.partial;
  }
  const dp = createDataParallel(run.group, model, run.bucketMb);
  // every rank must continue from the same point (across machines: --out on shared storage)
  checkSameStart(dp, [startEpoch, step, partial?.batches ?? 0, opt.stepCount], ckpt);
  syncFromRankZero(dp, [model, ema?.module]);
  const norm = { mean: data.mean, std: data.std };
  const size = inputSize(c, trainSet);
  const trainLoader = new BatchLoader(trainSet, norm, c.workers, size);
  const valLoader = valSet ? new BatchLoader(valSet, norm, 0, size) : null;
  const testLoader = new BatchLoader(data.test, norm, 0, size);
  const shape: [number, number, number] = [...size, trainSet.c];
  const spec = describeModel(c.model, model, { input: shape, mean: data.mean, std: data.std, classNames: data.classNames });
  hooks.onStart?.({
    model: c.model, params: model.numParameters(), startEpoch, epochs: c.epochs, stepsPerEpoch, trainSize: trainSet.n, valSize: valSet?.n ?? 0, testSize: data.test.n,
    usesWorker: trainLoader.usesWorker, plannedEpochs: saved?.config.epochs,
  });
  if (stale.length > 0) hooks.onWarning?.(`removed ${stale.length} temporary file${stale.length === 1 ? '' : 's'} left by a write that did not finish: ${stale.join(', ')}`);
  if (warmupSteps > totalSteps) {
    hooks.onWarning?.(`--warmup ${c.warmup} epochs is longer than the run (${c.epochs} epoch${c.epochs === 1 ? '' : 's'}): the warm-up is cut to the run's length, so the learning rate rises to --lr ${c.lr} over the whole run and never decays`);
  }
  const guard = new NonFiniteGuard(c.skipNonfinite ?? 0, history.reduce((a, h) => a + (h.skipped_steps ?? 0), 0) + (partial?.skipped ?? 0));
  let best = bestEpoch(history);
  let savedAt = saved ? checkpointPlace(saved, stepsPerEpoch) : '';
  const every = c.checkpointEvery ?? 0;
  let end: RunEnd = { reason: 'complete' };
  let stop: { kind: 'interrupted' | 'diverged'; at: StopPoint; message: string } | null = null;
  let killed = false;
  const kept = () => (savedAt ? `the last good checkpoint, ${ckpt} (${savedAt}), is kept` : 'no epoch completed, so this run wrote no checkpoint');
  // metrics.csv holds the checkpoint's epochs, whatever a killed run left there
  if (saved) write(join(outDir, 'metrics.csv'), () => kept(), () => writeCsv(outDir, history));
  const save = (file: string, state: TrainState<TrainConfig>) => write(file, () => kept(), () => saveCheckpoint(file, model, opt, state, ema?.module));
  const emaState = () => (ema ? { ema: { updates: ema.updates } } : {});
  const diverged = (at: StopPoint, what: string) => {
    const where = `epoch ${at.epoch}, step ${at.stepInEpoch} of ${stepsPerEpoch} (step ${at.step} of the run)`;
    const skip = guard.limit > 0 ? ` after skipping ${guard.skipped} such steps (--skip-nonfinite ${guard.limit})` : '';
    // --lr and --warmup cannot change on resume: the fix is a new run; --skip-nonfinite can change
    const hint = guard.limit > 0 ? 'start a new run with a lower --lr or a longer --warmup' : 'start a new run with a lower --lr or a longer --warmup, or pass --skip-nonfinite N to skip up to N such steps';
    stop = { kind: 'diverged', at, message: `training diverged at ${where}: ${what}${skip}; ${kept()}; ${hint}` };
  };
  model.train();
  try {
    for (let epoch = startEpoch; epoch < c.epochs; epoch++) {
      if (hooks.stopAfterEpochs !== undefined && epoch - startEpoch >= hooks.stopAfterEpochs) {
        killed = true;
        break;
      }
      const patience = c.patience ?? 0;
      if (patience > 0 && best && epoch - best.epoch >= patience) {
        end = { reason: 'early-stop', bestEpoch: best.epoch, patience };
        break;
      }
      // a checkpoint written mid-epoch continues this epoch at its batch, with its sums
      const at = epoch === startEpoch ? partial : undefined;
      const t0 = performance.now() - (at?.seconds ?? 0) * 1000;
      let lossSum = at?.lossSum ?? 0;
      let correct = at?.correct ?? 0;
      let seen = at?.seen ?? 0;
      let inEpoch = at?.batches ?? 0;
      let skipped = at?.skipped ?? 0;
      let aborted = false;
      const order = permutation(trainSet.n, mix(c.seed, epoch, 1));
      // every `every` steps (a skipped one too), unless the epoch ends here and writes its own
      const midEpochCheckpoint = () => {
        if (!(every > 0 && step % every === 0 && inEpoch < stepsPerEpoch)) return;
        const p: PartialEpoch = { batches: inEpoch, lossSum, correct, seen, skipped, seconds: (performance.now() - t0) / 1000 };
        const state = { epoch, step, config: c, rng: defaultGenerator.getState(), optimizer: { step: opt.stepCount, lr: opt.lr }, history, model: spec, partial: p, ...emaState() };
        save(ckpt, state);
        savedAt = checkpointPlace(state, stepsPerEpoch);
      };
      const batches = trainLoader.epoch(order, { batchSize: c.batchSize, seed: mix(c.seed, epoch, 2), pad: c.cropPad, flip: data.flip, erase: erasingOf(recipe), start: inEpoch });
      for await (const b of batches) {
        // a turn of the event loop per step, so a signal handler (Ctrl-C) can run between steps
        if (run.signal) await new Promise<void>((resolve) => setImmediate(resolve));
        if (anyRank(dp, run.signal?.aborted === true)) {
          aborted = true;
          break;
        }
        const lr = sched.apply(opt, step);
        // data-parallel: each rank's own stream for drop path, seeded per step (one stream for all would
        // repeat one mask pattern in every shard; per step, a resumed run draws what it would have)
        if (dp) manualSeed((mix(c.seed, epoch, 5 + dp.group.rank) + inEpoch) >>> 0);
        const targets = mixTargets(c, b.x, b.labels, shape, trainSet.classes, (mix(c.seed, epoch, 4) + inEpoch) >>> 0);
        let share: { batch: typeof b; targets: Float32Array | null; weight: number } = { batch: b, targets, weight: 1 };
        if (dp) {
          const [lo, hi] = shardRange(b.size, dp.group.rank, dp.group.worldSize);
          share = { ...localBatch(b, targets, trainSet.classes, lo, hi), weight: (hi - lo) / b.size };
        }
        const { loss: lv, hits, gradNorm } = lossAndGradients(model, c, share.batch, shape, share.targets, device, dp ? { dp, weight: share.weight } : undefined);
        step++;
        inEpoch++;
        const v = guard.check(lv, gradNorm);
        if (v.verdict !== 'ok') {
          opt.zeroGrad(); // the weights never see this step
          if (v.verdict === 'stop') {
            diverged({ epoch: epoch + 1, stepInEpoch: inEpoch, step }, v.what);
            break;
          }
          skipped++;
          hooks.onWarning?.(`epoch ${epoch + 1}, step ${inEpoch} of ${stepsPerEpoch}: ${v.what}; step skipped (${guard.skipped} of --skip-nonfinite ${guard.limit})`);
          midEpochCheckpoint();
          continue;
        }
        opt.step();
        opt.zeroGrad();
        ema?.update(model);
        lossSum += lv * b.size;
        correct += hits;
        seen += b.size;
        hooks.onStep?.({
          epoch: epoch + 1, step, stepInEpoch: inEpoch, stepsPerEpoch, loss: lv, acc: hits / b.size, lr,
          imagesPerSecond: seen / ((performance.now() - t0) / 1000),
          ...(dp ? { comm: { ...dp.reducer.times, statsMs: dp.statsMs } } : {}),
        });
        midEpochCheckpoint();
      }
      if (!stop && aborted && inEpoch < stepsPerEpoch) {
        stop = { kind: 'interrupted', at: { epoch: epoch + 1, stepInEpoch: inEpoch, step }, message: '' };
      }
      if (stop) break;
      const trainSeconds = (performance.now() - t0) / 1000;
      const val = valLoader && valSet ? await evaluate(model, valLoader, valSet.n, 500, shape, undefined, recipe.tta, dp) : null;
      const test = await evaluate(model, testLoader, data.test.n, 500, shape, undefined, recipe.tta, dp);
      const emaVal = ema && valLoader && valSet ? await evaluate(ema.module, valLoader, valSet.n, 500, shape, undefined, recipe.tta, dp) : null;
      const emaTest = ema ? await evaluate(ema.module, testLoader, data.test.n, 500, shape, undefined, recipe.tta, dp) : null;
      const weightsOk = paramsFinite(model);
      if (!weightsOk || !Number.isFinite(test.loss)) {
        diverged({ epoch: epoch + 1, stepInEpoch: inEpoch, step }, weightsOk ? `the test loss after the epoch is ${test.loss}` : 'the weights after the epoch are not finite');
        break;
      }
      const m: EpochMetrics = {
        epoch: epoch + 1, train_loss: lossSum / seen, train_acc: correct / seen, ...(val ? { val_loss: val.loss, val_acc: val.acc } : {}),
        test_loss: test.loss, test_acc: test.acc, lr: opt.lr, images_per_s: seen / trainSeconds, seconds: (performance.now() - t0) / 1000, skipped_steps: skipped,
        ...(emaVal ? { ema_val_loss: emaVal.loss, ema_val_acc: emaVal.acc } : {}), ...(emaTest ? { ema_test_loss: emaTest.loss, ema_test_acc: emaTest.acc } : {}),
      };
      history.push(m);
      const state = { epoch: epoch + 1, step, config: c, rng: defaultGenerator.getState(), optimizer: { step: opt.stepCount, lr: opt.lr }, history, model: spec, ...emaState() };
      // best before the checkpoint: a run killed between the two redoes this epoch and writes the same best again
      if (val && (best === null || val.acc > best.val_acc!)) {
        save(bestFile, state);
        best = m;
      }
      save(ckpt, state);
      savedAt = checkpointPlace(state, stepsPerEpoch);
      write(join(outDir, 'metrics.csv'), () => kept(), () => writeCsv(outDir, history));
      hooks.onEpoch?.(m);
      if (anyRank(dp, run.signal?.aborted === true) && epoch + 1 < c.epochs) {
        stop = { kind: 'interrupted', at: { epoch: epoch + 2, stepInEpoch: 0, step }, message: '' };
        break;
      }
    }
  } finally {
    await trainLoader.close();
    await valLoader?.close();
    await testLoader.close();
  }
  const params = model.numParameters();
  model.dispose();
  ema?.dispose();
  opt.dispose();
  const s = stop as { kind: 'interrupted' | 'diverged'; at: StopPoint; message: string } | null;
  if (s) {
    const message = s.kind === 'diverged' ? s.message
      : `interrupted at epoch ${s.at.epoch}, step ${s.at.stepInEpoch} of ${stepsPerEpoch}: metrics.json and curves.svg hold the ${history.length} completed epoch${history.length === 1 ? '' : 's'}; ${kept()}; continue with --resume`;
    write(join(outDir, 'metrics.json'), () => kept(), () => writeReport(outDir, c, params, history, { reason: s.kind, ...s.at, message }));
    throw s.kind === 'diverged' ? new TrainingDivergedError(message, s.at) : new TrainingInterruptedError(message, s.at);
  }
  if (!killed) write(join(outDir, 'metrics.json'), () => kept(), () => writeReport(outDir, c, params, history, end));
  const final = history[history.length - 1];
  return { history, final, params, checkpoint: ckpt, end, ...(best ? { best: { epoch: best, checkpoint: bestFile } } : {}) };
}

/** Where a checkpoint was written, for messages: "epoch 3" or "epoch 3, step 40 of 100". */
function checkpointPlace(s: TrainState, stepsPerEpoch: number): string {
  return s.partial ? `epoch ${s.epoch + 1}, step ${s.partial.batches} of ${stepsPerEpoch}` : `epoch ${s.epoch}`;
}
