/** Reference GEMM and linear layer (row-major, float64 accumulation). */
import type { FArray } from '../../dtype.js';
import type { GemmDims, KernelTable } from '../../kernels/names.js';

export function gemmRef(a: FArray, b: FArray, c: FArray, d: GemmDims): void {
  const { m, n, k } = d;
  const alpha = d.alpha ?? 1;
  const beta = d.beta ?? 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = d.transA ? a[p * m + i] : a[i * k + p];
        const bv = d.transB ? b[j * k + p] : b[p * n + j];
        s += av * bv;
      }
      c[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]);
    }
  }
}

export const gemmKernelsRef: Pick<KernelTable, 'Gemm' | 'Linear' | 'LinearGrad'> = {
  Gemm: gemmRef,
  Linear(x, w, b, y, d) {
    gemmRef(x, w, y, { m: d.rows, n: d.outFeatures, k: d.inFeatures, transB: true });
    if (b) for (let i = 0; i < y.length; i++) y[i] += b[i % d.outFeatures];
  },
  LinearGrad(x, w, dy, d, dx, dw, db) {
    if (dx) gemmRef(dy, w, dx, { m: d.rows, n: d.inFeatures, k: d.outFeatures });
    if (dw) gemmRef(dy, x, dw, { m: d.outFeatures, n: d.inFeatures, k: d.rows, transA: true });
    if (db) {
      const acc = new Float64Array(d.outFeatures);
      for (let i = 0; i < dy.length; i++) acc[i % d.outFeatures] += dy[i];
      for (let j = 0; j < d.outFeatures; j++) db[j] = acc[j];
    }
  },
};
