/** Reference optimizer updates (PyTorch's AdamW and SGD formulas, @quadranet/lib's reference). */
import { adamwStepRef, sgdStepRef } from '@quadranet/lib/reference';
import type { KernelTable } from '../../kernels/names.js';

export const optimRef: Pick<KernelTable, 'AdamW' | 'Sgd'> = {
  AdamW: adamwStepRef,
  Sgd(p, g, buf, h) {
    sgdStepRef(p, g, buf ?? undefined, { ...h, firstStep: h.step <= 1 });
  },
};
