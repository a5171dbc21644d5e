/** Reference row-wise softmax / log-softmax over the last axis and the backward (generic float arrays). */
import type { KernelSignatures } from '../kernel-table.js';
import type { FloatArray } from '../types.js';

/** out[r, :] = softmax(x[r, :]) (log: log-softmax), max-subtracted. out may be x. */
export function softmaxRef(x: FloatArray, rows: number, cols: number, out: FloatArray, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mx = -Infinity;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, x[o + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[o + c] - mx);
    const ls = Math.log(s);
    for (let c = 0; c < cols; c++) out[o + c] = log ? x[o + c] - mx - ls : Math.exp(x[o + c] - mx) / s;
  }
}

/** From y = softmax(x): dx = y (dy - Σ dy y); from y = logSoftmax(x): dx = dy - exp(y) Σ dy. */
export function softmaxBackwardRef(y: FloatArray, dy: FloatArray, rows: number, cols: number, dx: FloatArray, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += log ? dy[o + c] : dy[o + c] * y[o + c];
    for (let c = 0; c < cols; c++) dx[o + c] = log ? dy[o + c] - Math.exp(y[o + c]) * s : y[o + c] * (dy[o + c] - s);
  }
}

/**
 * Mean label-smoothed cross-entropy over the rows of `logits` (PyTorch's label_smoothing):
 * loss_r = -(1 - e) log p[label] - e / C sum_c log p[c]. probs receives the softmax.
 */
export function crossEntropyRef(
  logits: FloatArray, rows: number, cols: number, labels: ArrayLike<number>, smoothing: number, probs: FloatArray,
): number {
  softmaxRef(logits, rows, cols, probs, true);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let sumLog = 0;
    for (let c = 0; c < cols; c++) sumLog += probs[o + c];
    total += -(1 - smoothing) * probs[o + labels[r]] - (smoothing / cols) * sumLog;
    for (let c = 0; c < cols; c++) probs[o + c] = Math.exp(probs[o + c]);
  }
  return total / rows;
}

/** dx = (probs - target) scale, target = (1 - e) onehot(label) + e / C. dx may be probs. */
export function crossEntropyBackwardRef(
  probs: FloatArray, rows: number, cols: number, labels: ArrayLike<number>, smoothing: number, scale: number, dx: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const target = (c === labels[r] ? 1 - smoothing : 0) + smoothing / cols;
      dx[o + c] = (probs[o + c] - target) * scale;
    }
  }
}

export const softmaxKernels: Pick<KernelSignatures<FloatArray>, 'Softmax' | 'SoftmaxGrad' | 'CrossEntropy' | 'CrossEntropyGrad'> = {
  Softmax: softmaxRef,
  SoftmaxGrad: softmaxBackwardRef,
  CrossEntropy: crossEntropyRef,
  CrossEntropyGrad: crossEntropyBackwardRef,
};
