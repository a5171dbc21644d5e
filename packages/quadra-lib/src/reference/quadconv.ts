/** Reference quadratic depthwise conv: y = (Wa*x + ba) . (Wb*x + bb) + (Wc*x + bc). */
import type { ConvShape, QuadGrads, QuadWeights } from '../types.js';
import { correlate, correlateInputGrad, correlateWeightGrad, type FloatArray, zerosLike } from './depthwise.js';

export function quadconv2dRef<T extends FloatArray>(x: T, s: ConvShape, wt: QuadWeights<T>, k: number): T {
  const a = correlate(x, s, wt.wa, wt.ba, k);
  const b = correlate(x, s, wt.wb, wt.bb, k);
  const y = correlate(x, s, wt.wc, wt.bc, k);
  for (let i = 0; i < y.length; i++) y[i] += a[i] * b[i];
  return y as T;
}

/** Gradients of sum(dy . y): gA = dy . B, gB = dy . A, gC = dy. */
export function quadconv2dBackwardRef<T extends FloatArray>(
  x: T, s: ConvShape, wt: QuadWeights<T>, k: number, dy: T,
): QuadGrads<T> {
  const a = correlate(x, s, wt.wa, wt.ba, k);
  const b = correlate(x, s, wt.wb, wt.bb, k);
  const ga = zerosLike(x, x.length);
  const gb = zerosLike(x, x.length);
  for (let i = 0; i < x.length; i++) {
    ga[i] = dy[i] * b[i];
    gb[i] = dy[i] * a[i];
  }
  // Sum the three input-gradient contributions in float64, then round once.
  const dx64 = new Float64Array(x.length);
  correlateInputGrad(ga, s, wt.wa, k, dx64);
  correlateInputGrad(gb, s, wt.wb, k, dx64);
  correlateInputGrad(dy, s, wt.wc, k, dx64);
  const ra = correlateWeightGrad(x, ga, s, k);
  const rb = correlateWeightGrad(x, gb, s, k);
  const rc = correlateWeightGrad(x, dy, s, k);
  const dx = x instanceof Float64Array ? dx64 : Float32Array.from(dx64);
  return { dx, dwa: ra.dw, dba: ra.db, dwb: rb.dw, dbb: rb.db, dwc: rc.dw, dbc: rc.db } as QuadGrads<T>;
}
