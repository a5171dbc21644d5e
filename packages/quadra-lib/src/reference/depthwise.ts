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

/** out[n,h,w,c] = b[c] + sum_{ky,kx} wt[ky,kx,c] * x[n, h+ky-p, w+kx-p, c] (zero outside). */
export function correlate(x: FloatArray, s: ConvShape, wt: FloatArray, b: FloatArray | undefined, k: number): FloatArray {
  const { n: N, h: H, w: W, c: C } = s;
  const p = (k - 1) / 2;
  const out = zerosLike(x, N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) {
          let acc = b ? b[c] : 0;
          for (let ky = 0; ky < k; ky++) {
            const ih = h + ky - p;
            if (ih < 0 || ih >= H) continue;
            for (let kx = 0; kx < k; kx++) {
              const iw = w + kx - p;
              if (iw < 0 || iw >= W) continue;
              acc += wt[(ky * k + kx) * C + c] * x[((n * H + ih) * W + iw) * C + c];
            }
          }
          out[((n * H + h) * W + w) * C + c] = acc;
        }
  return out;
}

/** dx += the input gradient of `correlate` for output gradient g (scatter form). */
export function correlateInputGrad(g: FloatArray, s: ConvShape, wt: FloatArray, k: number, dx: FloatArray): void {
  const { n: N, h: H, w: W, c: C } = s;
  const p = (k - 1) / 2;
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) {
          const gv = g[((n * H + h) * W + w) * C + c];
          for (let ky = 0; ky < k; ky++) {
            const ih = h + ky - p;
            if (ih < 0 || ih >= H) continue;
            for (let kx = 0; kx < k; kx++) {
              const iw = w + kx - p;
              if (iw < 0 || iw >= W) continue;
              dx[((n * H + ih) * W + iw) * C + c] += wt[(ky * k + kx) * C + c] * gv;
            }
          }
        }
}

/** The weight and bias gradients of `correlate` for output gradient g. */
export function correlateWeightGrad(x: FloatArray, g: FloatArray, s: ConvShape, k: number): { dw: FloatArray; db: FloatArray } {
  const { n: N, h: H, w: W, c: C } = s;
  const p = (k - 1) / 2;
  const dw = new Float64Array(k * k * C);
  const db = new Float64Array(C);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) {
          const gv = g[((n * H + h) * W + w) * C + c];
          db[c] += gv;
          for (let ky = 0; ky < k; ky++) {
            const ih = h + ky - p;
            if (ih < 0 || ih >= H) continue;
            for (let kx = 0; kx < k; kx++) {
              const iw = w + kx - p;
              if (iw < 0 || iw >= W) continue;
              dw[(ky * k + kx) * C + c] += gv * x[((n * H + ih) * W + iw) * C + c];
            }
          }
        }
  const cast = (a: Float64Array) => (x instanceof Float64Array ? a : Float32Array.from(a));
  return { dw: cast(dw), db: cast(db) };
}
