/** Reference GEMM: row-major C = alpha op(A) op(B) + beta C, accumulated in float64. */
import type { FloatArray } from './depthwise.js';

export interface GemmRefDims {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

/** Writes into `c` ([m, n]); a is [m, k] ([k, m] when transA), b is [k, n] ([n, k] when transB). */
export function gemmRef(a: FloatArray, b: FloatArray, c: FloatArray, d: GemmRefDims): void {
  const { m, n, k } = d;
  const alpha = d.alpha ?? 1, beta = d.beta ?? 0;
  const ai = (i: number, p: number) => (d.transA ? a[p * m + i] : a[i * k + p]);
  const bi = (p: number, j: number) => (d.transB ? b[j * k + p] : b[p * n + j]);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += ai(i, p) * bi(p, j);
      // beta = 0: C is not read (BLAS semantics; NaNs in C do not propagate).
      c[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]);
    }
  }
}
