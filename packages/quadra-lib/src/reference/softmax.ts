/** Reference row-wise softmax / log-softmax over the last axis and the backward (generic float arrays). */
import type { FloatArray } from './depthwise.js';

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
