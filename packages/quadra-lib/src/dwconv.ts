import { callNative } from './call-native.js';
import { checkConvCall, outputBuffers } from './conv-args.js';
import { nativeOrNull } from './native.js';
import { dwconv2dBackwardRef, dwconv2dRef } from './reference/dwconv.js';
import type { ConvShape, DwConvBackwardOptions, DwConvOptions, DwGrads, DwWeights } from './types.js';
import { checkF32, checkNoOverlap, checkObject, checkOptionalF32 } from './validate.js';

function checkWeights(weights: unknown, taps: number, c: number): DwWeights {
  const w = checkObject<Record<string, unknown>>('weights', weights);
  return { w: checkF32('weights.w', w.w, taps), b: checkOptionalF32('weights.b', w.b, c) };
}

/**
 * Depthwise convolution (ConvNeXt's spatial mixer), NHWC float32, stride 1, "same" padding.
 *
 * @example
 * const y = dwconv2d(x, { n: 8, h: 56, w: 56, c: 64 }, { w, b }, 7); // w [7, 7, 64], b [64]
 */
export function dwconv2d(x: Float32Array, shape: ConvShape, weights: DwWeights, k: number, opts: DwConvOptions = {}): Float32Array {
  const { s, count, taps } = checkConvCall(x, shape, k);
  const w = checkWeights(weights, taps, s.c);
  const o = checkObject<DwConvOptions>('opts', opts);
  const y = outputBuffers('opts', o, { out: count }).out;
  checkNoOverlap('opts.out', y, 'x', x);
  const native = nativeOrNull();
  if (native) callNative(() => native.dwconvForward(x, s, k, w.w, w.b, y));
  else y.set(dwconv2dRef(x, s, w, k));
  return y;
}

/** Gradients of the depthwise convolution: dx, dw [k, k, C], db [C]. */
export function dwconv2dBackward(
  x: Float32Array, shape: ConvShape, weights: DwWeights, k: number, dy: Float32Array, opts: DwConvBackwardOptions = {},
): DwGrads {
  const { s, count, taps } = checkConvCall(x, shape, k);
  const w = checkWeights(weights, taps, s.c);
  checkF32('dy', dy, count);
  const o = checkObject<DwConvBackwardOptions>('opts', opts);
  const g: DwGrads = outputBuffers('opts.out', o.out, { dx: count, dw: taps, db: s.c });
  checkNoOverlap('opts.out.dx', g.dx, 'x', x);
  checkNoOverlap('opts.out.dx', g.dx, 'dy', dy);
  const native = nativeOrNull();
  if (native) {
    callNative(() => native.dwconvBackward(x, s, k, w.w, dy, g));
  } else {
    const r = dwconv2dBackwardRef(x, s, w, k, dy);
    g.dx.set(r.dx);
    g.dw.set(r.dw);
    g.db.set(r.db);
  }
  return g;
}
