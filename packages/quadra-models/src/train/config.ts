/** Training configuration (the CLI's flags) and the model it builds. */
import { ArgumentError } from '@quadranet/core';
import { createModel } from '../model/zoo.js';
import { PATCH4_STEM, QuadraNet, SMALL_IMAGE_STEM, type StemOptions } from '../model/quadranet.js';
import type { ArchitectureSpec } from './model-spec.js';
import { checkRecipe, RECIPE_DEFAULTS, withRecipeDefaults, type RecipeOptions } from './recipe-config.js';

export type StemName = 'small' | 'patch1' | 'patch2' | 'patch4' | 'conv2';

export interface TrainConfig extends RecipeOptions {
  /** A zoo name, or with `arch` the name the run reports (e.g. the architecture file's). */
  model: string;
  /** An architecture to train instead of a zoo model (`quadra train --arch FILE`): its stem, depths, widths and per-block choices; --stem, --kernel-size, --depths and --width do not apply. */
  arch?: ArchitectureSpec;
  dataset: 'fashion-mnist' | 'synthetic';
  dataDir?: string;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Warm-up length in epochs (may be fractional). */
  warmup: number;
  labelSmoothing: number;
  dropPath: number;
  /** Max gradient norm; 0 disables clipping. */
  clipGrad: number;
  seed: number;
  stem: StemName;
  /** Depthwise kernel size for every stage (default 7). */
  kernelSize?: number;
  /** Override the zoo name's depths (e.g. [2, 2, 6, 2]). */
  depths?: number[];
  /** Override the zoo name's base width C (stages C, 2C, 4C, 8C). */
  width?: number;
  /** Random-crop padding in pixels. */
  cropPad: number;
  /** Batch-preparation worker threads (0: on the main thread). */
  workers: number;
  /** Limit the training set (0: all), for quick runs. */
  limit: number;
  /** Fraction of the (limited) training set held out for validation, chosen by seed (0 or absent: none). */
  valSplit?: number;
  /** Stop after this many epochs without a better validation accuracy (0 or absent: never; needs valSplit). */
  patience?: number;
  /** Steps with a non-finite loss or gradient norm to skip before stopping (0 or absent: stop at the first). */
  skipNonfinite?: number;
  /** Also write the checkpoint every this many optimizer steps, mid-epoch (0 or absent: after each epoch only). */
  checkpointEvery?: number;
}

export const DEFAULTS: Omit<TrainConfig, 'model' | 'dataset'> = {
  epochs: 10, batchSize: 128, lr: 2e-3, weightDecay: 0.05, warmup: 1, labelSmoothing: 0.1, dropPath: 0.1,
  clipGrad: 5, seed: 0, stem: 'patch2', cropPad: 2, workers: 1, limit: 0, valSplit: 0, patience: 0, skipNonfinite: 0, checkpointEvery: 0,
  ...RECIPE_DEFAULTS,
};

/** The stems --stem names: the 3×3/1 small-image conv, k×k/k patchify with k = 1, 2, 4, and a 3×3/2 overlapping conv. */
export const STEMS: Record<StemName, StemOptions> = {
  small: SMALL_IMAGE_STEM, patch1: { kernel: 1, stride: 1, padding: 0 }, patch2: { kernel: 2, stride: 2, padding: 0 }, patch4: PATCH4_STEM,
  conv2: { kernel: 3, stride: 2, padding: 1 },
};

/** Checks every field (naming the flag of a bad one); returns the configuration with the recipe options' defaults filled in. */
export function checkConfig(c: TrainConfig): TrainConfig {
  const pos = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v > 0)) throw new ArgumentError(`--${name} must be a positive number, got ${v}`);
  };
  const nonneg = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v >= 0)) throw new ArgumentError(`--${name} must be >= 0, got ${v}`);
  };
  if (c.arch !== undefined && (c.depths !== undefined || c.width !== undefined || c.kernelSize !== undefined)) {
    throw new ArgumentError('--arch gives the whole architecture: drop --depths, --width and --kernel-size');
  }
  if (typeof c.model !== 'string' || c.model === '') throw new ArgumentError(`--model is required for a new run: a zoo name such as quadranet25_xxs, got ${JSON.stringify(c.model)}`);
  if (!Number.isInteger(c.epochs) || c.epochs < 1) throw new ArgumentError(`--epochs must be a positive integer, got ${c.epochs}`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) throw new ArgumentError(`--batch-size must be a positive integer, got ${c.batchSize}`);
  pos('lr', c.lr);
  nonneg('weight-decay', c.weightDecay);
  nonneg('warmup', c.warmup);
  nonneg('clip-grad', c.clipGrad);
  nonneg('crop-pad', c.cropPad);
  if (!(c.labelSmoothing >= 0 && c.labelSmoothing < 1)) throw new ArgumentError(`--label-smoothing must be in [0, 1), got ${c.labelSmoothing}`);
  if (!(c.dropPath >= 0 && c.dropPath < 1)) throw new ArgumentError(`--drop-path must be in [0, 1), got ${c.dropPath}`);
  if (!(c.stem in STEMS)) throw new ArgumentError(`--stem must be one of ${Object.keys(STEMS).join(', ')}, got ${c.stem}`);
  const val = c.valSplit ?? 0;
  if (!(val >= 0 && val < 1)) throw new ArgumentError(`--val-split must be in [0, 1), got ${val}`);
  const patience = c.patience ?? 0;
  if (!Number.isInteger(patience) || patience < 0) throw new ArgumentError(`--patience must be a non-negative integer, got ${patience}`);
  if (patience > 0 && !(val > 0)) throw new ArgumentError(`--patience ${patience} needs a validation set: pass --val-split (e.g. 0.1)`);
  const skip = c.skipNonfinite ?? 0;
  if (!Number.isInteger(skip) || skip < 0) throw new ArgumentError(`--skip-nonfinite must be a non-negative integer, got ${skip}`);
  const every = c.checkpointEvery ?? 0;
  if (!Number.isInteger(every) || every < 0) throw new ArgumentError(`--checkpoint-every must be a non-negative integer (steps; 0: after each epoch only), got ${every}`);
  if (c.dataset !== 'fashion-mnist' && c.dataset !== 'synthetic') throw new ArgumentError(`--dataset must be fashion-mnist or synthetic, got ${c.dataset}`);
  const full = withRecipeDefaults(c);
  checkRecipe(full);
  return full;
}

/** The zoo model for a 1-channel, 10-class image set with the configured stem. */
export function buildModel(c: TrainConfig, inChannels = 1, numClasses = 10): QuadraNet {
  if (c.arch) {
    const a = c.arch;
    if (a.inChannels !== inChannels || a.numClasses !== numClasses) {
      throw new ArgumentError(`--arch: the architecture takes ${a.inChannels}-channel images into ${a.numClasses} classes, the data set has ${inChannels} channels and ${numClasses} classes`);
    }
    return new QuadraNet({ ...a, dropPathRate: c.dropPath });
  }
  const base = createModel(c.model, { numClasses: 1 });
  const depths = c.depths ?? base.options.depths;
  const C = c.width ?? base.options.dims[0];
  base.dispose();
  if (depths.length < 1 || depths.length > 4 || !depths.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ArgumentError(`--depths needs one to four non-negative integers (one per stage), got ${depths.join(',')}`);
  }
  if (!Number.isInteger(C) || C < 1) throw new ArgumentError(`--width must be a positive integer, got ${C}`);
  const S = depths.length;
  return new QuadraNet({
    depths, dims: depths.map((_, i) => C << i), block: base.options.block[0], numClasses, inChannels, stem: STEMS[c.stem], dropPathRate: c.dropPath,
    kernelSizes: c.kernelSize ? new Array<number>(S).fill(c.kernelSize) : undefined,
  });
}
