/** Sums and means over axes. */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ArgumentError } from '../errors.js';
import { normAxis, sameShape, sizeOf } from '../shape.js';
import { emptyLike, zerosLikeRaw, type Tensor } from '../tensor.js';
import { copyTensor } from '../transfer.js';
import { checkTensor } from './util.js';

const ZERO = { float32: new Float32Array(1), float64: new Float64Array(1) };
const zeroScalar = (x: Tensor) => ZERO[x.dtype];

function axesOf(op: string, x: Tensor, axes?: number | readonly number[]): number[] {
  if (axes === undefined) return x.shape.map((_, i) => i);
  const list = (typeof axes === 'number' ? [axes] : [...axes]).map((a) => normAxis(`${op}: axes`, a, x.ndim));
  if (new Set(list).size !== list.length) throw new ArgumentError(`${op}: axes must not repeat, got [${list.join(', ')}]`);
  return list.sort((a, b) => a - b);
}

/** Sums `g` down to `shape` (undoing broadcasting). Returns a new tensor. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) {
    return copyTensor(g, emptyLike(g));
  }
  const off = g.ndim - shape.length;
  const axes = g.shape.map((_, i) => i).filter((i) => i < off || (shape[i - off] === 1 && g.shape[i] !== 1));
  const out = emptyLike(g, shape);
  const K = kernels(g);
  // Fast path: reduce all leading axes of a [rows, cols] view.
  const lead = axes.length > 0 && axes.every((a, i) => a === i) && sizeOf(shape) === sizeOf(g.shape.slice(axes.length));
  if (lead) K.SumRows(g.buf(), g.size / out.size, out.size, out.buf());
  else K.ReduceSum(g.buf(), g.shape, axes, out.buf());
  return out;
}

/**
 * Sum over `axes` (all by default).
 *
 * @example
 * sum(x, [1, 2])          // NHWC -> NC
 * sum(x, -1, true)        // keep the reduced axis as size 1
 */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  checkTensor('sum: x', x);
  const ax = axesOf('sum', x, axes);
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const out = emptyLike(x, keepDims ? kept : x.shape.filter((_, i) => !ax.includes(i)));
  kernels(x).ReduceSum(x.buf(), x.shape, ax, out.buf());
  record('Sum', [x], [out], [], ([g]) => {
    // Broadcast g (kept-dims shape) back over x's shape.
    const gk = g!.detach();
    const r = emptyLike(x);
    // adding a zero scalar is the broadcast copy; a cuda kernel needs that zero in device memory
    const zero = x.device === 'cpu' ? null : zerosLikeRaw(x, []);
    kernels(x).BroadcastBinary('add', gk.buf(), kept, zero ? zero.buf() : zeroScalar(x), [], r.buf(), x.shape);
    zero?.dispose();
    gk.dispose();
    return [r];
  });
  return out;
}

/** Mean over `axes` (all by default). */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = axesOf('mean', x, axes);
  const count = ax.reduce((a, i) => a * x.shape[i], 1);
  const s = sum(x, ax, keepDims);
  const out = emptyLike(s);
  kernels(s).Scale(s.buf(), 1 / Math.max(count, 1), out.buf());
  record('MeanScale', [s], [out], [], ([g]) => {
    const r = emptyLike(g!);
    kernels(g!).Scale(g!.buf(), 1 / Math.max(count, 1), r.buf());
    return [r];
  });
  s.dispose();
  return out;
}
