/** Gradient clipping by global L2 norm (torch.nn.utils.clip_grad_norm_). */
import { kernels } from '../backends/dispatch.js';
import { ArgumentError } from '../errors.js';
import { empty, type Tensor } from '../tensor.js';

/** Σ g² per gradient on the device: square into a scratch buffer, sum into one slot each, one download. */
function deviceSquares(grads: Tensor[]): number {
  const K = kernels(grads[0]);
  const largest = grads.reduce((a, g) => Math.max(a, g.size), 0);
  const scratch = empty([largest], grads[0].dtype, grads[0].device);
  const sums = empty([grads.length], grads[0].dtype, grads[0].device);
  const sd = scratch.buf();
  const out = sums.buf();
  try {
    grads.forEach((g, i) => {
      const sq = sd.subarray(0, g.size);
      const gd = g.buf();
      K.Binary('mul', gd, gd, sq, 'same');
      K.ReduceSum(sq, [g.size], [0], out.subarray(i, i + 1));
    });
    const host = sums.dataSync();
    let total = 0;
    for (let i = 0; i < host.length; i++) total += host[i];
    return total;
  } finally {
    scratch.dispose();
    sums.dispose();
  }
}

/** Scales all gradients so their joint L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Iterable<{ grad: Tensor | null }>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let sq = 0;
  const onHost = grads.filter((g) => g.device === 'cpu');
  for (const g of onHost) {
    const d = g.data();
    for (let i = 0; i < d.length; i++) sq += d[i] * d[i];
  }
  const onDevice = grads.filter((g) => g.device !== 'cpu' && g.size > 0);
  if (onDevice.length > 0) sq += deviceSquares(onDevice);
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  // in place: an elementwise kernel reads and writes each element once, on either device
  if (coef < 1) for (const g of grads) if (g.size > 0) kernels(g).Scale(g.buf(), coef, g.buf());
  return norm;
}
