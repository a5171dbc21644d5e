import { allocFloat32 } from './alloc.js';
import { callNative } from './call-native.js';
import { nativeOrNull } from './native.js';
import { linearBackwardRef, linearRef } from './reference/linear.js';
import {
  checkBool, checkDim, checkedProduct, checkF32, checkObject, checkOptionalF32, checkOutputsApart, optionalOutput,
} from './validate.js';

/** x is [rows, inFeatures], w is [outFeatures, inFeatures] (PyTorch's layout), y is [rows, outFeatures]. */
export interface LinearDims {
  rows: number;
  inFeatures: number;
  outFeatures: number;
}

export interface LinearOptions {
  /** Buffer for y [rows, outFeatures]; allocated when absent. */
  out?: Float32Array;
}

/**
 * Output buffers of `linearBackward`: a buffer to write into, undefined to get a fresh one, or
 * null when that gradient is not wanted (its work is skipped).
 */
export interface LinearBackwardOptions {
  dx?: Float32Array | null;
  dw?: Float32Array | null;
  db?: Float32Array | null;
  /** Add the gradients to the buffers' contents instead of overwriting them. Default false. */
  accumulate?: boolean;
}

export interface LinearGrads {
  /** [rows, inFeatures], null when skipped. */
  dx: Float32Array | null;
  /** [outFeatures, inFeatures], null when skipped. */
  dw: Float32Array | null;
  /** [outFeatures], null when skipped. */
  db: Float32Array | null;
}

function checkDims(dims: unknown): LinearDims {
  const d = checkObject<LinearDims>('dims', dims);
  const rows = checkDim('dims.rows', d.rows);
  const inFeatures = checkDim('dims.inFeatures', d.inFeatures);
  const outFeatures = checkDim('dims.outFeatures', d.outFeatures);
  checkedProduct('dims', rows, Math.max(inFeatures, outFeatures));
  checkedProduct('dims', inFeatures, outFeatures);
  return { rows, inFeatures, outFeatures };
}

/**
 * Linear layer: y = x w^T + bias, w in PyTorch's [out, in] layout. The bias is fused (y is
 * pre-filled with it and the GEMM accumulates onto it).
 *
 * @example
 * const y = linear(x, w, b, { rows: 196, inFeatures: 64, outFeatures: 256 });
 */
export function linear(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, dims: LinearDims, opts: LinearOptions = {}): Float32Array {
  const d = checkDims(dims);
  checkF32('x', x, d.rows * d.inFeatures);
  checkF32('w', w, d.inFeatures * d.outFeatures);
  checkOptionalF32('bias', bias, d.outFeatures);
  const o = checkObject<LinearOptions>('opts', opts);
  const y = o.out === undefined ? allocFloat32(d.rows * d.outFeatures) : checkF32('opts.out', o.out, d.rows * d.outFeatures);
  checkOutputsApart({ 'opts.out': y }, { x, w, bias });
  const native = nativeOrNull();
  if (native) callNative(() => native.linear(x, w, bias, d.rows, d.inFeatures, d.outFeatures, y));
  else linearRef(x, w, bias, d, y);
  return y;
}

/**
 * Gradients of `linear`: dx = dy w, dw = dy^T x, db = column sums of dy. Pass null for a gradient
 * you do not need (e.g. `dx: null` for the first layer) and its GEMM is skipped.
 *
 * @example
 * const { dw, db } = linearBackward(x, w, dy, dims, { dx: null, dw: w.grad, db: b.grad, accumulate: true });
 */
export function linearBackward(
  x: Float32Array, w: Float32Array, dy: Float32Array, dims: LinearDims, opts: LinearBackwardOptions = {},
): LinearGrads {
  const d = checkDims(dims);
  checkF32('x', x, d.rows * d.inFeatures);
  checkF32('w', w, d.inFeatures * d.outFeatures);
  checkF32('dy', dy, d.rows * d.outFeatures);
  const o = checkObject<LinearBackwardOptions>('opts', opts);
  const accumulate = checkBool('opts.accumulate', o.accumulate);
  const g: LinearGrads = {
    dx: optionalOutput('opts.dx', o.dx, d.rows * d.inFeatures, allocFloat32),
    dw: optionalOutput('opts.dw', o.dw, d.inFeatures * d.outFeatures, allocFloat32),
    db: optionalOutput('opts.db', o.db, d.outFeatures, allocFloat32),
  };
  checkOutputsApart({ 'opts.dx': g.dx, 'opts.dw': g.dw, 'opts.db': g.db }, { x, w, dy });
  const native = nativeOrNull();
  if (native) callNative(() => native.linearBackward(x, w, dy, d.rows, d.inFeatures, d.outFeatures, g.dx, g.dw, g.db, accumulate));
  else linearBackwardRef(x, w, dy, d, g, accumulate);
  return g;
}
