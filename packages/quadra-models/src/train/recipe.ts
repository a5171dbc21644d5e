/**
 * The trainer's hooks into the recipe options: the batch's mixing and loss (mixup/CutMix with
 * soft-target cross-entropy, else label-smoothed cross-entropy), the optimizer's param groups
 * (layer-wise lr decay) and the weight EMA.
 */
import { Generator, crossEntropy, nn, softCrossEntropy, type Device, type Tensor } from '@quadranet/core';
import { mixBatch, mixupEnabled } from '../data/mixup.js';
import type { QuadraNet } from '../model/quadranet.js';
import { buildModel, type TrainConfig } from './config.js';
import { ModelEma } from './ema.js';
import { layerDecayGroups } from './param-groups.js';
import { withRecipeDefaults } from './recipe-config.js';

/**
 * Mixes the batch in place when mixup or CutMix is on and returns its soft targets (null when both
 * are off). `seed` seeds this batch's draws.
 */
export function mixTargets(config: TrainConfig, x: Float32Array, labels: Int32Array, shape: readonly [number, number, number], numClasses: number, seed: number): Float32Array | null {
  const c = withRecipeDefaults(config);
  const o = { mixupAlpha: c.mixup, cutmixAlpha: c.cutmix, prob: c.mixupProb, switchProb: c.mixupSwitchProb, labelSmoothing: config.labelSmoothing, numClasses };
  if (!mixupEnabled(o)) return null;
  return mixBatch(x, labels, shape, o, new Generator(seed)).targets;
}

/** The training loss: soft-target cross-entropy against mixed targets, else label-smoothed cross-entropy. */
export function trainLoss(logits: Tensor, labels: Int32Array, targets: Float32Array | null, labelSmoothing: number): Tensor {
  return targets ? softCrossEntropy(logits, targets) : crossEntropy(logits, labels, { labelSmoothing });
}

/** The optimizer's parameters: one group, or per-stage groups under --layer-decay. */
export function paramGroups(config: TrainConfig, model: QuadraNet): ReturnType<typeof layerDecayGroups> {
  return layerDecayGroups(model, model.options.depths.length, withRecipeDefaults(config).layerDecay);
}

/** The run's weight EMA (null without --model-ema): a copy of the model's architecture on `device`, built without drawing from the default generator. */
export function createEma(config: TrainConfig, model: QuadraNet, inChannels: number, numClasses: number, device: Device): ModelEma<QuadraNet> | null {
  const c = withRecipeDefaults(config);
  if (!c.modelEma) return null;
  const copy = nn.withoutInit(() => buildModel(config, inChannels, numClasses)).to(device);
  return new ModelEma(copy, model, { decay: c.modelEmaDecay, warmup: c.modelEmaWarmup });
}
