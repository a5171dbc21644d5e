/** Reference GEMM and linear layer: @quadranet/lib's plain-TS references (float64 accumulation). */
import { gemmRef, linearBackwardRef, linearRef } from '@quadranet/lib/reference';
import type { KernelTable } from '../../kernels/names.js';

export const gemmKernelsRef: Pick<KernelTable, 'Gemm' | 'Linear' | 'LinearGrad'> = {
  Gemm: gemmRef,
  Linear(x, w, b, y, d) {
    linearRef(x, w, b ?? undefined, d, y);
  },
  LinearGrad(x, w, dy, d, dx, dw, db) {
    linearBackwardRef(x, w, dy, d, { dx, dw, db });
  },
};
