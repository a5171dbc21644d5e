/**
 * The training-recipe flags shared by `quadra train` and `quadra lr-find` (timm's names): random
 * erasing, mixup/CutMix, layer-wise lr decay, and for train the weight EMA and test-time flips.
 */
import { ArgumentError } from '@quadranet/core';
import { ERASE_MODES, RECIPE_DEFAULTS, TTA_MODES, type EraseMode, type RecipeOptions, type TtaMode } from '@quadranet/models';
import type { Command } from 'commander';
import { nonNegativeInt, numberIn, nonNegativeNumber, oneOf, positiveInt, type ArgParser } from './arg-parsers.js';

/** Two numbers `min,max` with 0 < min <= max. */
export function numberPair(flag: string): ArgParser<[number, number]> {
  return (value) => {
    const parts = value.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
    if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0] > 0 && parts[0] <= parts[1])) {
      throw new ArgumentError(`${flag} must be two numbers min,max with 0 < min <= max, got ${JSON.stringify(value)}`);
    }
    return [parts[0], parts[1]];
  };
}

const pairText = (p: readonly number[]) => p.map((v) => Number(v.toPrecision(4))).join(',');

/** The flags of the options `quadra train` and `quadra lr-find` share (augmentation, mixing, lr groups). */
export function addDataRecipeOptions(cmd: Command): Command {
  const d = RECIPE_DEFAULTS;
  return cmd
    .option('--reprob <p>', 'random-erasing probability per image, after normalisation (0: off)', numberIn('--reprob', { min: 0, max: 1 }), d.reprob)
    .option('--remode <mode>', 'random-erasing fill: pixel (per-pixel normal) | rand (per-channel normal) | const (zeros)', oneOf('--remode', ERASE_MODES), d.remode)
    .option('--re-area <min,max>', `random-erasing area range, fractions of the image (default ${pairText(d.reArea)})`, numberPair('--re-area'))
    .option('--re-aspect <min,max>', `random-erasing aspect-ratio range, h/w (default ${pairText(d.reAspect)})`, numberPair('--re-aspect'))
    .option('--recount <n>', 'random erasing: up to n rectangles per erased image', positiveInt('--recount'), d.recount)
    .option('--mixup <alpha>', 'mixup Beta(alpha, alpha) (0: off); targets become soft, --label-smoothing folds into them', nonNegativeNumber('--mixup'), d.mixup)
    .option('--cutmix <alpha>', 'CutMix Beta(alpha, alpha) (0: off)', nonNegativeNumber('--cutmix'), d.cutmix)
    .option('--mixup-prob <p>', 'probability that a batch is mixed (mixup or CutMix)', numberIn('--mixup-prob', { min: 0, max: 1 }), d.mixupProb)
    .option('--mixup-switch-prob <p>', 'probability of CutMix rather than mixup when both are on', numberIn('--mixup-switch-prob', { min: 0, max: 1 }), d.mixupSwitchProb)
    .option('--image-size <px>', 'train and evaluate at px × px, resampled as `quadra infer` resamples (nearest when enlarging; 0: the images\' own size)', nonNegativeInt('--image-size'), d.imageSize)
    .option('--layer-decay <x>', 'per-stage lr decay: stage s of S learns at x^(S+1-s) × lr, the head at lr (0 or 1: off)', numberIn('--layer-decay', { min: 0, max: 1 }), d.layerDecay);
}

/** The weight-EMA and test-time-augmentation flags of `quadra train`. */
export function addEvalRecipeOptions(cmd: Command): Command {
  const d = RECIPE_DEFAULTS;
  return cmd
    .option('--model-ema', 'keep an EMA of the weights: evaluated each epoch beside them (ema_* metrics) and saved in the checkpoint (`quadra eval --ema`)', d.modelEma)
    .option('--model-ema-decay <d>', 'EMA decay per optimizer step', numberIn('--model-ema-decay', { min: 0, max: 1, maxExclusive: true }), d.modelEmaDecay)
    .option('--model-ema-warmup', 'ramp the EMA decay up as min(decay, 1 - (1 + step)^(-2/3)) (timm ModelEmaV3)', d.modelEmaWarmup)
    .option('--tta <mode>', 'test-time augmentation of every evaluation: none | flip (average the logits of each image and its mirror)', oneOf('--tta', TTA_MODES), d.tta);
}

export interface RecipeFlags {
  reprob: number; remode: string; reArea?: [number, number]; reAspect?: [number, number]; recount: number;
  mixup: number; cutmix: number; mixupProb: number; mixupSwitchProb: number; layerDecay: number; imageSize: number;
  modelEma?: boolean; modelEmaDecay?: number; modelEmaWarmup?: boolean; tta?: string;
}

/** The recipe part of a TrainConfig from the parsed flags (unset ones at their defaults). */
export function recipeFromFlags(o: RecipeFlags): RecipeOptions {
  const d = RECIPE_DEFAULTS;
  return {
    reprob: o.reprob, remode: o.remode as EraseMode, reArea: o.reArea ?? d.reArea, reAspect: o.reAspect ?? d.reAspect, recount: o.recount,
    mixup: o.mixup, cutmix: o.cutmix, mixupProb: o.mixupProb, mixupSwitchProb: o.mixupSwitchProb, layerDecay: o.layerDecay, imageSize: o.imageSize,
    modelEma: o.modelEma ?? d.modelEma, modelEmaDecay: o.modelEmaDecay ?? d.modelEmaDecay, modelEmaWarmup: o.modelEmaWarmup ?? d.modelEmaWarmup,
    tta: (o.tta ?? d.tta) as TtaMode,
  };
}
