/** Reshaping and data movement: reshape/view, permute, contiguous, slice, concat, split, chunk. */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { fmt, normAxis, sizeOf } from '../shape.js';
import { emptyLike, Tensor, zerosLikeRaw } from '../tensor.js';
import { copyTensor } from '../transfer.js';
import { checkSame, checkTensor } from './util.js';

function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const neg = out.indexOf(-1);
  if (out.some((d, i) => !Number.isSafeInteger(d) || (d < 0 && i !== neg)) || out.lastIndexOf(-1) !== neg) {
    throw new ShapeError(`reshape: shape must be non-negative integers with at most one -1, got ${fmt(shape)}`);
  }
  if (neg >= 0) {
    const rest = sizeOf(out.filter((_, i) => i !== neg));
    if (rest === 0 || x.size % rest !== 0) throw new ShapeError(`reshape: cannot infer -1 in ${fmt(shape)} for ${x.size} elements`);
    out[neg] = x.size / rest;
  }
  if (sizeOf(out) !== x.size) throw new ShapeError(`reshape: shape ${fmt(shape)} has ${sizeOf(out)} elements, tensor ${fmt(x.shape)} has ${x.size}`);
  return out;
}

/** A view with a new shape (no copy; tensors are always contiguous). `-1` infers one axis. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape: x', x);
  const sh = resolveShape(x, shape);
  const y = new Tensor(x.storage.retain(), sh, x.offset);
  record('Reshape', [x], [y], [], ([g]) => [reshape(g!, x.shape)]);
  return y;
}

/** Same as reshape: every tensor is contiguous, so a view always exists. */
export const view = reshape;

/** Collapses axes start..end into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  const s = normAxis('flatten: start', start, x.ndim);
  const e = normAxis('flatten: end', end, x.ndim);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Reorders axes (copies: tensors are always contiguous). */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor('permute: x', x);
  const p = perm.map((a) => normAxis('permute: perm', a, x.ndim));
  if (p.length !== x.ndim || new Set(p).size !== p.length) throw new ArgumentError(`permute: perm must be a permutation of ${x.ndim} axes, got ${fmt(perm)}`);
  const y = emptyLike(x, p.map((a) => x.shape[a]));
  kernels(x).Permute(x.buf(), x.shape, p, y.buf());
  const inv = p.map((_, i) => p.indexOf(i));
  record('Permute', [x], [y], [], ([g]) => [permute(g!, inv)]);
  return y;
}

/** A contiguous copy (tensors are always contiguous; this gives a fresh buffer). */
export function contiguous(x: Tensor): Tensor {
  checkTensor('contiguous: x', x);
  const y = copyTensor(x, emptyLike(x));
  record('Contiguous', [x], [y], [], ([g]) => [g!.detach()]);
  return y;
}

/** Writes `g` (window shape) into a zero tensor of `shape` at `offsets`. */
function embed(g: Tensor, shape: readonly number[], offsets: number[]): Tensor {
  const out = zerosLikeRaw(g, shape);
  kernels(g).CopyWindow(g.buf(), g.shape, out.buf(), shape, offsets, false);
  return out;
}

/** Elements start..end-1 along `axis` (a view along axis 0, a copy otherwise). */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  checkTensor('slice: x', x);
  const ax = normAxis('slice: axis', axis, x.ndim);
  const n = x.shape[ax];
  const s = start < 0 ? start + n : start;
  const e = end === undefined ? n : end < 0 ? end + n : end;
  if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > n || s > e) {
    throw new ArgumentError(`slice: need 0 <= start <= end <= ${n} on axis ${ax}, got start=${start}, end=${end}`);
  }
  const shape = x.shape.map((d, i) => (i === ax ? e - s : d));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const offsets = x.shape.map((_, i) => (i === ax ? s : 0));
  let y: Tensor;
  if (sizeOf(x.shape.slice(0, ax)) === 1) {
    y = new Tensor(x.storage.retain(), shape, x.offset + s * inner);
  } else {
    y = emptyLike(x, shape);
    kernels(x).CopyWindow(x.buf(), x.shape, y.buf(), shape, offsets, true);
  }
  record('Slice', [x], [y], [], ([g]) => [embed(g!, x.shape, offsets)]);
  return y;
}

/** Joins tensors along an axis. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const list: Tensor[] = Array.isArray(xs) ? [...xs] : [];
  if (list.length === 0) throw new ArgumentError('concat: xs must be a non-empty array of tensors');
  checkSame('concat', Object.fromEntries(list.map((t, i) => [`xs[${i}]`, t])));
  const ax = normAxis('concat: axis', axis, list[0].ndim);
  for (const [i, t] of list.entries()) {
    if (t.ndim !== list[0].ndim || t.shape.some((d, j) => j !== ax && d !== list[0].shape[j])) {
      throw new ShapeError(`concat: xs[${i}] has shape ${fmt(t.shape)}, incompatible with ${fmt(list[0].shape)} along axis ${ax}`);
    }
  }
  const total = list.reduce((a, t) => a + t.shape[ax], 0);
  const shape = list[0].shape.map((d, i) => (i === ax ? total : d));
  const y = emptyLike(list[0], shape);
  const starts: number[] = [];
  let at = 0;
  for (const t of list) {
    starts.push(at);
    kernels(t).CopyWindow(t.buf(), t.shape, y.buf(), shape, shape.map((_, i) => (i === ax ? at : 0)), false);
    at += t.shape[ax];
  }
  record('Concat', [...list], [y], [], ([g]) => list.map((t, i) => sliceRaw(g!, ax, starts[i], t.shape[ax])));
  return y;
}

function sliceRaw(g: Tensor, ax: number, start: number, len: number): Tensor {
  const shape = g.shape.map((d, i) => (i === ax ? len : d));
  const out = emptyLike(g, shape);
  kernels(g).CopyWindow(g.buf(), g.shape, out.buf(), shape, g.shape.map((_, i) => (i === ax ? start : 0)), true);
  return out;
}

/** Splits into pieces of the given sizes (or equal pieces of `size`) along an axis. */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split: x', x);
  const ax = normAxis('split: axis', axis, x.ndim);
  const n = x.shape[ax];
  let parts: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new ArgumentError(`split: size must be a positive integer, got ${sizes}`);
    parts = [];
    for (let at = 0; at < n; at += sizes) parts.push(Math.min(sizes, n - at));
  } else {
    parts = [...sizes];
    if (parts.reduce((a, b) => a + b, 0) !== n || parts.some((p) => !Number.isInteger(p) || p < 0)) {
      throw new ArgumentError(`split: sizes ${fmt(parts)} must be non-negative integers summing to ${n} (axis ${ax})`);
    }
  }
  const out: Tensor[] = [];
  let at = 0;
  for (const p of parts) {
    out.push(slice(x, ax, at, at + p));
    at += p;
  }
  return out;
}

/** Splits into `chunks` nearly equal pieces (PyTorch's chunk). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const ax = normAxis('chunk: axis', axis, x.ndim);
  return split(x, Math.max(1, Math.ceil(x.shape[ax] / chunks)), ax);
}
