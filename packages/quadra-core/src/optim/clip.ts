/** Gradient clipping by global L2 norm (torch.nn.utils.clip_grad_norm_). */
import { kernels } from '../backends/dispatch.js';
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** Scales all gradients so their joint L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Iterable<{ grad: Tensor | null }>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let sq = 0;
  for (const g of grads) {
    const d = g.data();
    for (let i = 0; i < d.length; i++) sq += d[i] * d[i];
  }
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const g of grads) kernels(g).Scale(g.data(), coef, g.data());
  return norm;
}
