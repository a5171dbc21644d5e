/** Reference linear layer, PyTorch layout: y = x w^T + b with w [out, in]. */
import type { FloatArray } from './depthwise.js';

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
