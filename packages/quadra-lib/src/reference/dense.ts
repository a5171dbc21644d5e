/** Reference dense family: GEMM, linear layer and layer norm, accumulated in float64. */
import type { GemmDims, KernelSignatures, LinearAct } from '../kernel-table.js';
import { geluScalar } from './elementwise.js';
import type { FloatArray } from '../types.js';

/** The Gemm kernel's sizes and flags (kernel-table.ts). */
export type GemmRefDims = GemmDims;

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

export interface LinearRefDims {
  rows: number;
  inFeatures: number;
  outFeatures: number;
}

export function linearRef(x: FloatArray, w: FloatArray, bias: FloatArray | undefined, d: LinearRefDims, y: FloatArray): void {
  const { rows, inFeatures: fi, outFeatures: fo } = d;
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < fo; o++) {
      let s = bias ? bias[o] : 0;
      for (let i = 0; i < fi; i++) s += x[r * fi + i] * w[o * fi + i];
      y[r * fo + o] = s;
    }
  }
}

/** The reference's packed layout is w itself: LinearPack copies, LinearPacked is linearRef plus the epilogue. */
export function linearPackedRef(
  x: FloatArray, packed: FloatArray, bias: FloatArray | undefined, d: LinearRefDims, act: LinearAct, residual: FloatArray | undefined, y: FloatArray,
): void {
  linearRef(x, packed, bias, d, y);
  for (let i = 0; i < d.rows * d.outFeatures; i++) y[i] = (act === 'gelu' ? geluScalar(y[i]) : y[i]) + (residual ? residual[i] : 0);
}

export interface LinearRefGrads {
  dx?: FloatArray | null;
  dw?: FloatArray | null;
  db?: FloatArray | null;
}

/** dx = dy w, dw = dy^T x, db = column sums of dy; missing outputs are skipped; `accumulate` adds. */
export function linearBackwardRef(
  x: FloatArray, w: FloatArray, dy: FloatArray, d: LinearRefDims, g: LinearRefGrads, accumulate = false,
): void {
  const { rows, inFeatures: fi, outFeatures: fo } = d;
  const put = (t: FloatArray, i: number, v: number) => {
    t[i] = accumulate ? t[i] + v : v;
  };
  if (g.dx) {
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < fi; i++) {
        let s = 0;
        for (let o = 0; o < fo; o++) s += dy[r * fo + o] * w[o * fi + i];
        put(g.dx, r * fi + i, s);
      }
    }
  }
  if (g.dw) {
    for (let o = 0; o < fo; o++) {
      for (let i = 0; i < fi; i++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += dy[r * fo + o] * x[r * fi + i];
        put(g.dw, o * fi + i, s);
      }
    }
  }
  if (g.db) {
    for (let o = 0; o < fo; o++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += dy[r * fo + o];
      put(g.db, o, s);
    }
  }
}

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

export const denseKernels: Pick<KernelSignatures<FloatArray>, 'Gemm' | 'Linear' | 'LinearGrad' | 'LinearPackedLength' | 'LinearPack' | 'LinearPacked' | 'LayerNorm' | 'LayerNormGrad'> = {
  Gemm: gemmRef,
  Linear(x, w, b, y, d) {
    linearRef(x, w, b ?? undefined, d, y);
  },
  LinearGrad(x, w, dy, d, dx, dw, db) {
    linearBackwardRef(x, w, dy, d, { dx, dw, db });
  },
  LinearPackedLength: (d) => d.inFeatures * d.outFeatures,
  LinearPack(w, _d, packed) {
    packed.set(w);
  },
  LinearPacked(x, packed, b, y, d, act, residual) {
    linearPackedRef(x, packed, b ?? undefined, d, act, residual ?? undefined, y);
  },
  LayerNorm(x, rows, cols, gamma, beta, eps, y, mean, rstd) {
    layerNormRef(x, rows, cols, gamma ?? undefined, beta ?? undefined, eps, y, mean, rstd);
  },
  LayerNormGrad(x, rows, cols, gamma, mean, rstd, dy, dx, dgamma, dbeta) {
    layerNormBackwardRef(x, rows, cols, gamma ?? undefined, mean, rstd, dy, dx, dgamma, dbeta);
  },
};
