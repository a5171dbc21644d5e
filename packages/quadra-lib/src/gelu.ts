import { allocFloat32 } from './alloc.js';
import { callNative } from './call-native.js';
import { ShapeError } from './errors.js';
import { nativeOrNull } from './native.js';
import { biasGeluRef, geluBackwardRef, geluRef } from './reference/gelu.js';
import { checkDim, checkF32, checkF32Any, checkObject, checkOutputsApart, checkSameOrNoOverlap } from './validate.js';

export interface GeluOptions {
  /** Output buffer; may be the input itself (in place). Allocated when absent. */
  out?: Float32Array;
}

export interface BiasGeluOptions {
  /** Output buffer for gelu(h + bias); must not overlap h. Allocated when absent. */
  out?: Float32Array;
}

function outOf(name: string, given: Float32Array | undefined, length: number): Float32Array {
  return given === undefined ? allocFloat32(length) : checkF32(name, given, length);
}

/**
 * GELU, erf form (PyTorch's default): 0.5 x (1 + erf(x / sqrt 2)), elementwise. The native kernel's
 * erf has an absolute error below 3e-7.
 *
 * @example
 * const y = gelu(h);
 */
export function gelu(x: Float32Array, opts: GeluOptions = {}): Float32Array {
  checkF32Any('x', x);
  const o = checkObject<GeluOptions>('opts', opts);
  const out = outOf('opts.out', o.out, x.length);
  checkSameOrNoOverlap('opts.out', out, 'x', x);
  const native = nativeOrNull();
  if (native) callNative(() => native.gelu(x, out));
  else geluRef(x, out);
  return out;
}

/** dx = dy gelu'(x), gelu'(x) = Phi(x) + x phi(x). The output may be x or dy itself. */
export function geluBackward(x: Float32Array, dy: Float32Array, opts: GeluOptions = {}): Float32Array {
  checkF32Any('x', x);
  checkF32('dy', dy, x.length);
  const o = checkObject<GeluOptions>('opts', opts);
  const out = outOf('opts.out', o.out, x.length);
  checkSameOrNoOverlap('opts.out', out, 'x', x);
  checkSameOrNoOverlap('opts.out', out, 'dy', dy);
  const native = nativeOrNull();
  if (native) callNative(() => native.geluBackward(x, dy, out));
  else geluBackwardRef(x, dy, out);
  return out;
}

/**
 * Fused bias + GELU for linear -> GELU in training: h[r, :] += bias (in place, so h holds the
 * pre-activation the backward needs) and out = gelu(h), in one pass over memory.
 *
 * @example
 * const h = linear(x, w1, undefined, dims);   // no bias in the GEMM
 * const a = biasGelu(h, b1, dims.outFeatures); // h now includes b1
 */
export function biasGelu(h: Float32Array, bias: Float32Array, cols: number, opts: BiasGeluOptions = {}): Float32Array {
  checkF32Any('h', h);
  const c = checkDim('cols', cols);
  if (h.length % c !== 0) throw new ShapeError(`h: expected a multiple of cols = ${c} elements, got ${h.length}`);
  checkF32('bias', bias, c);
  const o = checkObject<BiasGeluOptions>('opts', opts);
  const out = outOf('opts.out', o.out, h.length);
  checkOutputsApart({ h }, { bias });
  checkOutputsApart({ 'opts.out': out }, { h, bias });
  if (h.length === 0) return out;
  const native = nativeOrNull();
  if (native) callNative(() => native.biasGelu(h, bias, c, out));
  else biasGeluRef(h, bias, c, out);
  return out;
}
