/** The reference backend: plain TypeScript for every kernel, float32 and float64. */
import type { KernelTable } from '../../kernels/names.js';
import { convRef } from './conv.js';
import { elementwiseRef } from './elementwise.js';
import { gemmKernelsRef } from './gemm.js';
import { layoutRef } from './layout.js';
import { normRef } from './norm.js';
import { optimRef } from './optim.js';
import { reduceRef } from './reduce.js';
import { softmaxRef } from './softmax.js';

export const refKernels: KernelTable = {
  ...elementwiseRef, ...reduceRef, ...gemmKernelsRef, ...normRef, ...convRef, ...layoutRef, ...softmaxRef, ...optimRef,
};
