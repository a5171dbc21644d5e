/**
 * A built model's architecture as plain JSON (the QuadraNet options that rebuild it). Its own file,
 * with type-only imports, so that quadranet.ts's inference methods can use it without an import cycle.
 */
import type { BlockKind } from '../blocks/registry.js';
import type { QuadraNet, StemOptions } from './quadranet.js';

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
