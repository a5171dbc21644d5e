/** Sums and means over axes. */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ArgumentError } from '../errors.js';
import { normAxis, sameShape, sizeOf } from '../shape.js';
import { emptyLike, type Tensor } from '../tensor.js';
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
    const c = emptyLike(g);
    c.data().set(g.data());
    return c;
  }
  const off = g.ndim - shape.length;
  const axes = g.shape.map((_, i) => i).filter((i) => i < off || (shape[i - off] === 1 && g.shape[i] !== 1));
  const out = emptyLike(g, shape);
  const K = kernels(g);
  // Fast path: reduce all leading axes of a [rows, cols] view.
  const lead = axes.length > 0 && axes.every((a, i) => a === i) && sizeOf(shape) === sizeOf(g.shape.slice(axes.length));
  if (lead) K.SumRows(g.data(), g.size / out.size, out.size, out.data());
  else K.ReduceSum(g.data(), g.shape, axes, out.data());
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
  kernels(x).ReduceSum(x.data(), x.shape, ax, out.data());
  record('Sum', [x], [out], [], ([g]) => {
    // Broadcast g (kept-dims shape) back over x's shape.
    const gk = g!.detach();
    const r = emptyLike(x);
    kernels(x).BroadcastBinary('add', gk.data(), kept, zeroScalar(x), [], r.data(), x.shape);
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
  kernels(s).Scale(s.data(), 1 / Math.max(count, 1), out.data());
  record('MeanScale', [s], [out], [], ([g]) => {
    const r = emptyLike(g!);
    kernels(g!).Scale(g!.data(), 1 / Math.max(count, 1), r.data());
    return [r];
  });
  s.dispose();
  return out;
}
