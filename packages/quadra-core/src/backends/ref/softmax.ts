/** Reference softmax, log-softmax and fused label-smoothed cross-entropy. */
import type { FArray } from '../../dtype.js';
import type { KernelTable } from '../../kernels/names.js';

function softmaxRow(x: FArray, o: number, cols: number, out: FArray, log: boolean): void {
  let mx = -Infinity;
  for (let c = 0; c < cols; c++) mx = Math.max(mx, x[o + c]);
  let s = 0;
  for (let c = 0; c < cols; c++) s += Math.exp(x[o + c] - mx);
  const lse = mx + Math.log(s);
  for (let c = 0; c < cols; c++) out[o + c] = log ? x[o + c] - lse : Math.exp(x[o + c] - lse);
}

export const softmaxRef: Pick<KernelTable, 'Softmax' | 'SoftmaxGrad' | 'CrossEntropy' | 'CrossEntropyGrad'> = {
  Softmax(x, rows, cols, out, log) {
    for (let r = 0; r < rows; r++) softmaxRow(x, r * cols, cols, out, log);
  },
  SoftmaxGrad(y, dy, rows, cols, dx, log) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let s = 0;
      for (let c = 0; c < cols; c++) s += log ? dy[o + c] : dy[o + c] * y[o + c];
      for (let c = 0; c < cols; c++) dx[o + c] = log ? dy[o + c] - Math.exp(y[o + c]) * s : y[o + c] * (dy[o + c] - s);
    }
  },
  CrossEntropy(logits, rows, cols, labels, smoothing, probs) {
    // loss_r = -(1-ε)·log p[label] - ε/C·Σ_c log p[c]   (PyTorch's label_smoothing)
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      softmaxRow(logits, o, cols, probs, true);
      let sumLog = 0;
      for (let c = 0; c < cols; c++) sumLog += probs[o + c];
      total += -(1 - smoothing) * probs[o + labels[r]] - (smoothing / cols) * sumLog;
      for (let c = 0; c < cols; c++) probs[o + c] = Math.exp(probs[o + c]);
    }
    return total / rows;
  },
  CrossEntropyGrad(probs, rows, cols, labels, smoothing, scale, dx) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let c = 0; c < cols; c++) {
        const target = (c === labels[r] ? 1 - smoothing : 0) + smoothing / cols;
        dx[o + c] = (probs[o + c] - target) * scale;
      }
    }
  },
};
