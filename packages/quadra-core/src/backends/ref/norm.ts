/** Reference layer norm over the last axis. */
import type { KernelTable } from '../../kernels/names.js';

export const normRef: Pick<KernelTable, 'LayerNorm' | 'LayerNormGrad'> = {
  LayerNorm(x, rows, cols, gamma, beta, eps, y, mean, rstd) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let s = 0;
      for (let c = 0; c < cols; c++) s += x[o + c];
      const mu = s / cols;
      let v = 0;
      for (let c = 0; c < cols; c++) v += (x[o + c] - mu) ** 2;
      const rs = 1 / Math.sqrt(v / cols + eps);
      mean[r] = mu;
      rstd[r] = rs;
      for (let c = 0; c < cols; c++) {
        const xh = (x[o + c] - mu) * rs;
        y[o + c] = xh * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
      }
    }
  },
  LayerNormGrad(x, rows, cols, gamma, mean, rstd, dy, dx, dgamma, dbeta) {
    const dg = new Float64Array(cols);
    const dbt = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let s1 = 0;
      let s2 = 0;
      for (let c = 0; c < cols; c++) {
        const xh = (x[o + c] - mean[r]) * rstd[r];
        const g = dy[o + c] * (gamma ? gamma[c] : 1);
        s1 += g;
        s2 += g * xh;
        dg[c] += dy[o + c] * xh;
        dbt[c] += dy[o + c];
      }
      for (let c = 0; c < cols; c++) {
        const xh = (x[o + c] - mean[r]) * rstd[r];
        const g = dy[o + c] * (gamma ? gamma[c] : 1);
        dx[o + c] = rstd[r] * (g - s1 / cols - (xh * s2) / cols);
      }
    }
    if (dgamma) for (let c = 0; c < cols; c++) dgamma[c] = dg[c];
    if (dbeta) for (let c = 0; c < cols; c++) dbeta[c] = dbt[c];
  },
};
