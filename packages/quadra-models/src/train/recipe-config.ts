/**
 * The training-recipe options beyond the basic loop (timm's names where timm has them): random
 * erasing, mixup/CutMix, weight EMA, layer-wise lr decay and test-time flip averaging. Every field is
 * optional in a TrainConfig (checkpoints written before these options existed lack them) and
 * withRecipeDefaults fills the defaults, so metrics.json records every value a run used.
 */
import { ArgumentError } from '@quadranet/core';
import { checkMixup } from '../data/mixup.js';
import { checkErasing, type EraseMode, type RandomErasingOptions } from '../data/random-erasing.js';
import { checkEma } from './ema.js';
import { checkLayerDecay } from './param-groups.js';

export type TtaMode = 'none' | 'flip';
export const TTA_MODES: readonly TtaMode[] = ['none', 'flip'];

export interface RecipeOptions {
  /** Random-erasing probability per image (0: off). */
  reprob?: number;
  /** Random-erasing fill: per-pixel normal, one normal per channel, or zeros. */
  remode?: EraseMode;
  /** Random-erasing area range, fractions of the image. */
  reArea?: [number, number];
  /** Random-erasing aspect-ratio range (h/w). */
  reAspect?: [number, number];
  /** Most erased rectangles per image. */
  recount?: number;
  /** Mixup Beta alpha (0: off). */
  mixup?: number;
  /** CutMix Beta alpha (0: off). */
  cutmix?: number;
  /** Probability that a batch is mixed. */
  mixupProb?: number;
  /** Probability of CutMix over mixup when both are on. */
  mixupSwitchProb?: number;
  /** Keep an EMA of the weights, evaluated and checkpointed beside them. */
  modelEma?: boolean;
  modelEmaDecay?: number;
  modelEmaWarmup?: boolean;
  /** Per-stage lr decay factor (0 or 1: off). */
  layerDecay?: number;
  /** Test-time augmentation of the per-epoch evaluation. */
  tta?: TtaMode;
  /** Train and evaluate at this square size, resampled as inference resamples (0: the data set's own size). */
  imageSize?: number;
}

export const RECIPE_DEFAULTS: Required<RecipeOptions> = {
  reprob: 0, remode: 'pixel', reArea: [0.02, 1 / 3], reAspect: [0.3, 1 / 0.3], recount: 1,
  mixup: 0, cutmix: 0, mixupProb: 1, mixupSwitchProb: 0.5,
  modelEma: false, modelEmaDecay: 0.9998, modelEmaWarmup: false,
  layerDecay: 0, tta: 'none', imageSize: 0,
};

export const RECIPE_FLAGS: Record<keyof RecipeOptions, string> = {
  reprob: '--reprob', remode: '--remode', reArea: '--re-area', reAspect: '--re-aspect', recount: '--recount',
  mixup: '--mixup', cutmix: '--cutmix', mixupProb: '--mixup-prob', mixupSwitchProb: '--mixup-switch-prob',
  modelEma: '--model-ema', modelEmaDecay: '--model-ema-decay', modelEmaWarmup: '--model-ema-warmup',
  layerDecay: '--layer-decay', tta: '--tta', imageSize: '--image-size',
};

/** `c` with every unset recipe option at its default. */
export function withRecipeDefaults<C extends RecipeOptions>(c: C): C & Required<RecipeOptions> {
  const out = { ...c } as C & Required<RecipeOptions>;
  for (const k of Object.keys(RECIPE_DEFAULTS) as (keyof RecipeOptions)[]) {
    if (out[k] === undefined) (out as unknown as Record<string, unknown>)[k] = RECIPE_DEFAULTS[k];
  }
  return out;
}

/** The random-erasing options of a (defaulted) configuration, or null when off. */
export function erasingOf(c: Required<RecipeOptions>): RandomErasingOptions | null {
  if (!(c.reprob > 0)) return null;
  return { prob: c.reprob, minArea: c.reArea[0], maxArea: c.reArea[1], minAspect: c.reAspect[0], maxAspect: c.reAspect[1], mode: c.remode, count: c.recount };
}

export function checkRecipe(c: Required<RecipeOptions>): void {
  const pair = (flag: string, v: unknown) => {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number')) throw new ArgumentError(`${flag} must be two numbers min,max, got ${JSON.stringify(v)}`);
  };
  pair('--re-area', c.reArea);
  pair('--re-aspect', c.reAspect);
  checkErasing({ prob: c.reprob, minArea: c.reArea[0], maxArea: c.reArea[1], minAspect: c.reAspect[0], maxAspect: c.reAspect[1], mode: c.remode, count: c.recount });
  checkMixup({ mixupAlpha: c.mixup, cutmixAlpha: c.cutmix, prob: c.mixupProb, switchProb: c.mixupSwitchProb });
  if (typeof c.modelEma !== 'boolean') throw new ArgumentError(`--model-ema is a switch, got ${JSON.stringify(c.modelEma)}`);
  if (typeof c.modelEmaWarmup !== 'boolean') throw new ArgumentError(`--model-ema-warmup is a switch, got ${JSON.stringify(c.modelEmaWarmup)}`);
  checkEma({ decay: c.modelEmaDecay, warmup: c.modelEmaWarmup });
  checkLayerDecay(c.layerDecay);
  if (!TTA_MODES.includes(c.tta)) throw new ArgumentError(`--tta must be one of ${TTA_MODES.join(', ')}, got ${c.tta}`);
  if (!Number.isInteger(c.imageSize) || c.imageSize < 0) throw new ArgumentError(`--image-size must be a non-negative integer (0: the data set's size), got ${c.imageSize}`);
}

/** The [H, W] the model sees: --image-size when set, else the images' own size. */
export function inputSize(c: RecipeOptions, set: { h: number; w: number }): [number, number] {
  const s = c.imageSize ?? 0;
  return s > 0 ? [s, s] : [set.h, set.w];
}
