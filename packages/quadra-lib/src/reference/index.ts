/**
 * The plain-TypeScript reference kernels: the one oracle every backend is tested against (lib's
 * native and CUDA tests, core's conformance suite) and the ref backend of @quadranet/core. One
 * file per op family; `referenceKernels` maps every kernel name to its reference.
 */
import type { KernelSignatures } from '../kernel-table.js';
import type { FloatArray } from '../types.js';
import { convKernels } from './conv.js';
import { denseKernels } from './dense.js';
import { elementwiseKernels } from './elementwise.js';
import { layoutKernels } from './layout.js';
import { optimKernels } from './optim.js';
import { reduceKernels } from './reduce.js';
import { softmaxKernels } from './softmax.js';

export const referenceKernels: KernelSignatures<FloatArray> = {
  ...convKernels, ...denseKernels, ...elementwiseKernels, ...reduceKernels, ...layoutKernels, ...softmaxKernels, ...optimKernels,
};

export {
  correlate, correlateInputGrad, correlateWeightGrad, zerosLike, quadconv2dRef, quadconv2dBackwardRef, dwconv2dRef,
  dwconv2dBackwardRef, im2colRef, col2imRef,
} from './conv.js';
export {
  gemmRef, linearRef, linearPackedRef, linearBackwardRef, layerNormRef, layerNormBackwardRef, type GemmRefDims, type LinearRefDims,
  type LinearRefGrads,
} from './dense.js';
export {
  binaryRef, scaleRef, axpyRef, broadcastBinaryRef, rowScaleRef, erf, geluScalar, geluGradScalar, geluRef, geluBackwardRef,
  biasGeluRef, biasGeluBackwardRef, scaleAddRef, scaleAddBackwardRef, type BinaryOpName, type BroadcastMode,
} from './elementwise.js';
export { sumRowsRef, reduceSumRef } from './reduce.js';
export { permuteRef, copyWindowRef, rollRef, gatherRef, scatterAddRef } from './layout.js';
export { softmaxRef, softmaxBackwardRef, crossEntropyRef, crossEntropyBackwardRef } from './softmax.js';
export { adamwStepRef, sgdStepRef, type AdamWRefOptions, type SgdRefOptions } from './optim.js';
export type { FloatArray } from '../types.js';
