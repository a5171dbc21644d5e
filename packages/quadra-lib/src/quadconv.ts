import { callNative } from './call-native.js';
import { checkConvCall, outputBuffers } from './conv-args.js';
import { nativeOrNull } from './native.js';
import { correlate } from './reference/depthwise.js';
import { quadconv2dBackwardRef, quadconv2dRef } from './reference/quadconv.js';
import type { ConvShape, QuadConvBackwardOptions, QuadConvOptions, QuadGrads, QuadWeights, SavedAB } from './types.js';
import { checkF32, checkNoOverlap, checkObject, checkOptionalF32 } from './validate.js';

function checkWeights(weights: unknown, taps: number, c: number): QuadWeights {
  const w = checkObject<Record<string, unknown>>('weights', weights);
  return {
    wa: checkF32('weights.wa', w.wa, taps),
    ba: checkOptionalF32('weights.ba', w.ba, c),
    wb: checkF32('weights.wb', w.wb, taps),
    bb: checkOptionalF32('weights.bb', w.bb, c),
    wc: checkF32('weights.wc', w.wc, taps),
    bc: checkOptionalF32('weights.bc', w.bc, c),
  };
}

function checkSaved(name: string, saved: unknown, x: Float32Array): SavedAB {
  const s = checkObject<Record<string, unknown>>(name, saved);
  const out = { a: checkF32(`${name}.a`, s.a, x.length), b: checkF32(`${name}.b`, s.b, x.length) };
  checkNoOverlap(`${name}.a`, out.a, 'x', x);
  checkNoOverlap(`${name}.b`, out.b, 'x', x);
  return out;
}

/**
 * Quadratic depthwise convolution, NHWC float32, stride 1, "same" padding:
 * `y = (Wa*x + ba) . (Wb*x + bb) + (Wc*x + bc)`, computed in one pass over x.
 *
 * @example
 * const shape = { n: 1, h: 56, w: 56, c: 64 }, k = 7;
 * const y = quadconv2d(x, shape, { wa, wb, wc, ba, bb, bc }, k); // weights [k, k, C], biases [C]
 */
export function quadconv2d(x: Float32Array, shape: ConvShape, weights: QuadWeights, k: number, opts: QuadConvOptions = {}): Float32Array {
  const { s, count, taps } = checkConvCall(x, shape, k);
  const w = checkWeights(weights, taps, s.c);
  const o = checkObject<QuadConvOptions>('opts', opts);
  const y = outputBuffers('opts', o, { out: count }).out;
  checkNoOverlap('opts.out', y, 'x', x);
  const save = o.save === undefined ? undefined : checkSaved('opts.save', o.save, x);
  const native = nativeOrNull();
  if (native) {
    callNative(() => native.quadconvForward(x, s, k, w, y, save));
  } else {
    y.set(quadconv2dRef(x, s, w, k));
    if (save) {
      save.a.set(correlate(x, s, w.wa, w.ba, k));
      save.b.set(correlate(x, s, w.wb, w.bb, k));
    }
  }
  return y;
}

/**
 * Gradients of the quadratic depthwise conv from x and dy. By default A = Wa*x + ba and
 * B = Wb*x + bb are recomputed from x (no saved intermediates); pass `saved` (filled by
 * `quadconv2d(..., { save })`) to use them instead.
 */
export function quadconv2dBackward(
  x: Float32Array, shape: ConvShape, weights: QuadWeights, k: number, dy: Float32Array,
  opts: QuadConvBackwardOptions = {},
): QuadGrads {
  const { s, count, taps } = checkConvCall(x, shape, k);
  const w = checkWeights(weights, taps, s.c);
  checkF32('dy', dy, count);
  const o = checkObject<QuadConvBackwardOptions>('opts', opts);
  const saved = o.saved === undefined ? undefined : checkSaved('opts.saved', o.saved, x);
  const g: QuadGrads = outputBuffers('opts.out', o.out, {
    dx: count, dwa: taps, dba: s.c, dwb: taps, dbb: s.c, dwc: taps, dbc: s.c,
  });
  checkNoOverlap('opts.out.dx', g.dx, 'x', x);
  checkNoOverlap('opts.out.dx', g.dx, 'dy', dy);
  const native = nativeOrNull();
  if (native) {
    callNative(() => native.quadconvBackward(x, s, k, w, dy, saved, g));
  } else {
    const r = quadconv2dBackwardRef(x, s, w, k, dy);
    for (const key of Object.keys(g) as (keyof QuadGrads)[]) g[key].set(r[key]);
  }
  return g;
}
