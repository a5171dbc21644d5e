/** Reference layer norm over the last axis (statistics in float64). */
import type { FloatArray } from './depthwise.js';

/** y = (x - mean) rstd gamma + beta per row; writes y, mean [rows], rstd [rows]. y may be x. */
export function layerNormRef(
  x: FloatArray, rows: number, cols: number, gamma: FloatArray | undefined, beta: FloatArray | undefined, eps: number,
  y: FloatArray, mean: FloatArray, rstd: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += x[o + c];
    const m = s / cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[o + c] - m) ** 2;
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let c = 0; c < cols; c++) {
      y[o + c] = (x[o + c] - m) * rs * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
    }
  }
}

/**
 * With g = dy gamma and xhat = (x - mean) rstd: dx = rstd (g - mean(g) - xhat mean(g xhat)),
 * dgamma = sum over rows of dy xhat, dbeta = sum over rows of dy. Null outputs are skipped; dx may be dy.
 */
export function layerNormBackwardRef(
  x: FloatArray, rows: number, cols: number, gamma: FloatArray | undefined, mean: FloatArray, rstd: FloatArray,
  dy: FloatArray, dx: FloatArray | null, dgamma: FloatArray | null, dbeta: FloatArray | null,
): void {
  const dg = new Float64Array(cols), db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const m = mean[r], rs = rstd[r];
    let s1 = 0, s2 = 0;
    for (let c = 0; c < cols; c++) {
      const g = dy[o + c] * (gamma ? gamma[c] : 1);
      s1 += g;
      s2 += g * (x[o + c] - m) * rs;
    }
    s1 /= cols;
    s2 /= cols;
    for (let c = 0; c < cols; c++) {
      const xh = (x[o + c] - m) * rs;
      const d = dy[o + c];
      dg[c] += d * xh;
      db[c] += d;
      if (dx) dx[o + c] = rs * (d * (gamma ? gamma[c] : 1) - s1 - xh * s2);
    }
  }
  if (dgamma) dgamma.set(dg);
  if (dbeta) dbeta.set(db);
}
