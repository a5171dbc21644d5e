/** Reference layer norm over the last axis (@quadranet/lib's reference). */
import { layerNormBackwardRef, layerNormRef } from '@quadranet/lib/reference';
import type { KernelTable } from '../../kernels/names.js';

export const normRef: Pick<KernelTable, 'LayerNorm' | 'LayerNormGrad'> = {
  LayerNorm(x, rows, cols, gamma, beta, eps, y, mean, rstd) {
    layerNormRef(x, rows, cols, gamma ?? undefined, beta ?? undefined, eps, y, mean, rstd);
  },
  LayerNormGrad(x, rows, cols, gamma, mean, rstd, dy, dx, dgamma, dbeta) {
    layerNormBackwardRef(x, rows, cols, gamma ?? undefined, mean, rstd, dy, dx, dgamma, dbeta);
  },
};
