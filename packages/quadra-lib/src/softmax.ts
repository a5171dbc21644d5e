import { allocFloat32 } from './alloc.js';
import { runKernel } from './call-native.js';
import { checkBool, checkDim, checkedProduct, checkF32, checkNoOverlap, checkObject, checkSameOrNoOverlap } from './validate.js';

export interface SoftmaxOptions {
  /** Buffer for the result [rows, cols]; may be x itself. Allocated when absent. */
  out?: Float32Array;
  /** Log-softmax instead of softmax. */
  log?: boolean;
}

export interface SoftmaxBackwardOptions {
  /** Buffer for dx [rows, cols]; may be dy itself. Allocated when absent. */
  dx?: Float32Array;
  /** y came from log-softmax. */
  log?: boolean;
}

/**
 * Row-wise softmax over the last axis of [rows, cols] (max-subtracted), or log-softmax with
 * `log: true`.
 *
 * @example
 * softmax(scores, 8 * 64 * 2 * 49, 49, { out: scores }); // attention weights, in place
 */
export function softmax(x: Float32Array, rows: number, cols: number, opts: SoftmaxOptions = {}): Float32Array {
  const r = checkDim('rows', rows), c = checkDim('cols', cols);
  const n = checkedProduct('x', r, c);
  checkF32('x', x, n);
  const o = checkObject<SoftmaxOptions>('opts', opts);
  const log = checkBool('opts.log', o.log);
  const out = o.out === undefined ? allocFloat32(n) : checkF32('opts.out', o.out, n);
  checkSameOrNoOverlap('opts.out', out, 'x', x);
  runKernel((k) => k.Softmax(x, r, c, out, log));
  return out;
}

/**
 * Gradient of `softmax` from its output y: dx = y (dy - Σ dy y) per row; with `log: true` (y from
 * log-softmax), dx = dy - exp(y) Σ dy.
 */
export function softmaxBackward(
  y: Float32Array, dy: Float32Array, rows: number, cols: number, opts: SoftmaxBackwardOptions = {},
): Float32Array {
  const r = checkDim('rows', rows), c = checkDim('cols', cols);
  const n = checkedProduct('y', r, c);
  checkF32('y', y, n);
  checkF32('dy', dy, n);
  const o = checkObject<SoftmaxBackwardOptions>('opts', opts);
  const log = checkBool('opts.log', o.log);
  const dx = o.dx === undefined ? allocFloat32(n) : checkF32('opts.dx', o.dx, n);
  checkSameOrNoOverlap('opts.dx', dx, 'dy', dy);
  checkNoOverlap('opts.dx', dx, 'y', y);
  runKernel((k) => k.SoftmaxGrad(y, dy, r, c, dx, log));
  return dx;
}
