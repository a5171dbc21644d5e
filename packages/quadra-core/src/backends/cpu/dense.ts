/** Native GEMM (oneDNN on x86-64, OpenBLAS on arm64), linear and layer norm from @quadranet/lib. */
import { gemm, layerNorm, layerNormBackward, linear, linearBackward } from '@quadranet/lib';
import type { KernelTable } from '../../kernels/names.js';
import { f32, f32n } from './cast.js';

export const denseCpu: Pick<KernelTable, 'Gemm' | 'Linear' | 'LinearGrad' | 'LayerNorm' | 'LayerNormGrad'> = {
  Gemm(a, b, c, d) {
    gemm(f32(a), f32(b), f32(c), d);
  },
  Linear(x, w, b, y, d) {
    linear(f32(x), f32(w), b ? f32(b) : undefined, d, { out: f32(y) });
  },
  LinearGrad(x, w, dy, d, dx, dw, db) {
    linearBackward(f32(x), f32(w), f32(dy), d, { dx: f32n(dx), dw: f32n(dw), db: f32n(db) });
  },
  LayerNorm(x, rows, cols, gamma, beta, eps, y, mean, rstd) {
    layerNorm(f32(x), rows, cols, gamma ? f32(gamma) : undefined, beta ? f32(beta) : undefined, eps, { out: f32(y), mean: f32(mean), rstd: f32(rstd) });
  },
  LayerNormGrad(x, rows, cols, gamma, mean, rstd, dy, dx, dgamma, dbeta) {
    layerNormBackward(f32(x), rows, cols, gamma ? f32(gamma) : undefined, f32(mean), f32(rstd), f32(dy), { dx: f32(dx), dgamma: f32n(dgamma), dbeta: f32n(dbeta) });
  },
};
