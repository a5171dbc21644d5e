/** Layer norm over the last axis, one fused kernel each way. */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ArgumentError } from '../errors.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { checkSame, checkVector, rowsCols } from './util.js';

/**
 * (x − mean) / sqrt(var + eps) · gamma + beta over the last axis (biased variance, as PyTorch).
 *
 * @example
 * const y = layerNorm(x, gamma, beta, 1e-6); // x [N, H, W, C], gamma/beta [C]
 */
export function layerNorm(x: Tensor, gamma?: Tensor | null, beta?: Tensor | null, eps = 1e-5): Tensor {
  checkSame('layerNorm', { x, gamma, beta });
  if (x.ndim === 0) throw new ArgumentError('layerNorm: x must have at least one dimension');
  if (!(eps >= 0)) throw new ArgumentError(`layerNorm: eps must be >= 0, got ${eps}`);
  const { rows, cols } = rowsCols(x);
  checkVector('layerNorm', 'gamma', gamma, cols);
  checkVector('layerNorm', 'beta', beta, cols);
  const y = emptyLike(x);
  const mean = emptyLike(x, [rows]);
  const rstd = emptyLike(x, [rows]);
  kernels(x).LayerNorm(x.buf(), rows, cols, gamma?.buf() ?? null, beta?.buf() ?? null, eps, y.buf(), mean.buf(), rstd.buf());
  record('LayerNorm', [x, gamma ?? null, beta ?? null], [y], gamma ? [x, gamma, mean, rstd] : [x, mean, rstd], ([g]) => {
    const dx = emptyLike(x);
    const dg = gamma?.requiresGrad ? emptyLike(gamma) : null;
    const db = beta?.requiresGrad ? emptyLike(beta) : null;
    kernels(x).LayerNormGrad(x.buf(), rows, cols, gamma?.buf() ?? null, mean.buf(), rstd.buf(), g!.buf(), dx.buf(), dg?.buf() ?? null, db?.buf() ?? null);
    return [x.requiresGrad ? dx : (dx.dispose(), null), dg, db];
  });
  mean.dispose();
  rstd.dispose();
  return y;
}
