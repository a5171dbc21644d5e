/**
 * What a checkpoint needs to rebuild and run its model without any flags: the architecture
 * (QuadraNet options), the input it was trained on and how that input was normalised, and the
 * class names where the data set has them. Saved in every training checkpoint as `state.model`.
 */
import { ArgumentError, nn } from '@quadranet/core';
import type { BlockKind } from '../blocks/registry.js';
import { DATASET_NORM, FASHION_MNIST_CLASSES } from '../data/dataset.js';
import { QuadraNet, type QuadraNetOptions, type StemOptions } from '../model/quadranet.js';
import { buildModel, type TrainConfig } from './config.js';

/** The JSON-serialisable QuadraNet options (what `quadra infer --model config.json` reads). */
export interface ArchitectureSpec {
  depths: number[];
  dims: number[];
  numClasses: number;
  inChannels: number;
  kernelSizes: number[];
  expansions: number[];
  stem: StemOptions;
  block: BlockKind[];
  layerScaleInit: number;
  /** Per-block kernel sizes, one list per stage (searched architectures; absent: kernelSizes per stage). */
  layerKernelSizes?: number[][];
  /** Per-block MLP expansions, one list per stage (absent: expansions per stage). */
  layerExpansions?: number[][];
}

export interface ModelSpec {
  /** The zoo name the run started from (its depths/width may be overridden in `architecture`). */
  name: string;
  architecture: ArchitectureSpec;
  /** The training images' size: [height, width, channels]. */
  input: [number, number, number];
  /** Pixels are scaled to [0, 1], then (x - mean[c]) / std[c] per channel. */
  normalize: { mean: number[]; std: number[] };
  /** Class names by index, where the data set has them. */
  classNames?: string[];
}

/** The architecture of a built model, as plain JSON. */
export function architectureOf(model: QuadraNet): ArchitectureSpec {
  const o = model.options;
  return {
    depths: [...o.depths], dims: [...o.dims], numClasses: o.numClasses, inChannels: o.inChannels, kernelSizes: [...o.kernelSizes],
    expansions: [...o.expansions], stem: { ...o.stem }, block: [...o.block], layerScaleInit: o.layerScaleInit,
    ...(o.layerKernelSizes ? { layerKernelSizes: o.layerKernelSizes.map((l) => [...l]) } : {}),
    ...(o.layerExpansions ? { layerExpansions: o.layerExpansions.map((l) => [...l]) } : {}),
  };
}

export interface DataDescription {
  input: [number, number, number];
  mean: number;
  std: number;
  classNames?: string[];
}

/** The spec saved with a model trained on data of this description. */
export function describeModel(name: string, model: QuadraNet, data: DataDescription): ModelSpec {
  const c = data.input[2];
  return {
    name, architecture: architectureOf(model), input: data.input,
    normalize: { mean: new Array<number>(c).fill(data.mean), std: new Array<number>(c).fill(data.std) },
    ...(data.classNames ? { classNames: [...data.classNames] } : {}),
  };
}

/** For checkpoints written before specs were saved: the spec their training configuration implies. */
export function specFromConfig(c: TrainConfig): ModelSpec {
  const model = nn.withoutInit(() => buildModel(c));
  try {
    const fm = c.dataset === 'fashion-mnist';
    return describeModel(c.model, model, { input: [28, 28, 1], ...DATASET_NORM[c.dataset], classNames: fm ? FASHION_MNIST_CLASSES : undefined });
  } finally {
    model.dispose();
  }
}

/** A fresh (untrained) model of the spec's architecture, in eval mode. */
export function modelFromSpec(spec: ModelSpec): QuadraNet {
  const a = spec.architecture;
  if (!a || !Array.isArray(a.depths) || !Array.isArray(a.dims)) throw new ArgumentError(`model spec '${spec.name}': the architecture lacks depths or dims`);
  const opts: QuadraNetOptions = { ...a };
  return new QuadraNet(opts).eval();
}
