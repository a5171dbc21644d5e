/** Reference plain depthwise conv (the ConvNeXt baseline): y = W*x + b. */
import type { ConvShape, DwGrads, DwWeights } from '../types.js';
import { correlate, correlateInputGrad, correlateWeightGrad, type FloatArray } from './depthwise.js';

export function dwconv2dRef<T extends FloatArray>(x: T, s: ConvShape, wt: DwWeights<T>, k: number): T {
  return correlate(x, s, wt.w, wt.b, k) as T;
}

export function dwconv2dBackwardRef<T extends FloatArray>(x: T, s: ConvShape, wt: DwWeights<T>, k: number, dy: T): DwGrads<T> {
  const dx64 = new Float64Array(x.length);
  correlateInputGrad(dy, s, wt.w, k, dx64);
  const { dw, db } = correlateWeightGrad(x, dy, s, k);
  const dx = x instanceof Float64Array ? dx64 : Float32Array.from(dx64);
  return { dx, dw, db } as DwGrads<T>;
}
