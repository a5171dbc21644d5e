/**
 * Plain-TypeScript depthwise correlation primitives (NHWC, stride 1, "same" padding, odd k,
 * weights [k, k, C]). They are the test oracle and the fallback when no native binary loads.
 * Generic over Float32Array and Float64Array so gradient checks can run in float64;
 * sums are accumulated in JS numbers (float64).
 */
import type { ConvShape } from '../types.js';

export type FloatArray = Float32Array | Float64Array;

/** A zeroed array of the same element type as `like`. */
export function zerosLike(like: FloatArray, length: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/**
 * Calls visit(o, i, t) for every output element o (NHWC index), every tap t of the [k, k, C]
 * weights, and the input element i = x[n, h+ky-p, w+kx-p, c] that tap reads (taps falling in
 * the zero padding are skipped). All three primitives below are this loop.
 */
function forEachTap(s: ConvShape, k: number, visit: (o: number, i: number, t: number) => void): void {
  const { n: N, h: H, w: W, c: C } = s;
  const p = (k - 1) / 2;
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) {
          const o = ((n * H + h) * W + w) * C + c;
          for (let ky = 0; ky < k; ky++) {
            const ih = h + ky - p;
            if (ih < 0 || ih >= H) continue;
            for (let kx = 0; kx < k; kx++) {
              const iw = w + kx - p;
              if (iw < 0 || iw >= W) continue;
              visit(o, ((n * H + ih) * W + iw) * C + c, (ky * k + kx) * C + c);
            }
          }
        }
}

/** Rounds a float64 accumulator to the element type of `like`. */
function castLike(like: FloatArray, a: Float64Array): FloatArray {
  return like instanceof Float64Array ? a : Float32Array.from(a);
}

/** out[n,h,w,c] = b[c] + sum_{ky,kx} wt[ky,kx,c] * x[n, h+ky-p, w+kx-p, c] (zero outside). */
export function correlate(x: FloatArray, s: ConvShape, wt: FloatArray, b: FloatArray | undefined, k: number): FloatArray {
  const acc = new Float64Array(x.length);
  if (b) for (let o = 0; o < acc.length; o++) acc[o] = b[o % s.c];
  forEachTap(s, k, (o, i, t) => {
    acc[o] += wt[t] * x[i];
  });
  return castLike(x, acc);
}

/** dx += the input gradient of `correlate` for output gradient g (scatter form). */
export function correlateInputGrad(g: FloatArray, s: ConvShape, wt: FloatArray, k: number, dx: FloatArray): void {
  forEachTap(s, k, (o, i, t) => {
    dx[i] += wt[t] * g[o];
  });
}

/** The weight and bias gradients of `correlate` for output gradient g. */
export function correlateWeightGrad(x: FloatArray, g: FloatArray, s: ConvShape, k: number): { dw: FloatArray; db: FloatArray } {
  const dw = new Float64Array(k * k * s.c);
  const db = new Float64Array(s.c);
  for (let o = 0; o < g.length; o++) db[o % s.c] += g[o];
  forEachTap(s, k, (o, i, t) => {
    dw[t] += g[o] * x[i];
  });
  return { dw: castLike(x, dw), db: castLike(x, db) };
}
