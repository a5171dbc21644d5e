import { allocFloat32 } from './alloc.js';
import { runKernel } from './call-native.js';
import { ArgumentError, ShapeError } from './errors.js';
import { checkBool, checkF32, checkNoOverlap } from './validate.js';

/** Most axes the native data-movement kernels take. */
export const MAX_DIMS = 8;

function describe(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(String).join(', ')}]`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

/** An array of at most MAX_DIMS integers (each >= min when given). */
export function checkIntList(name: string, v: unknown, min?: number): number[] {
  if (!Array.isArray(v)) throw new ArgumentError(`${name}: expected an array of integers, got ${describe(v)}`);
  if (v.length > MAX_DIMS) throw new ArgumentError(`${name}: at most ${MAX_DIMS} axes are supported, got ${v.length}`);
  v.forEach((e, i) => {
    if (typeof e !== 'number' || !Number.isSafeInteger(e) || (min !== undefined && e < min)) {
      throw new ArgumentError(`${name}[${i}]: expected an integer${min !== undefined ? ` >= ${min}` : ''}, got ${describe(e)}`);
    }
  });
  return v as number[];
}

/** A shape (non-negative integers, at most MAX_DIMS axes) and its element count. */
function checkShapeList(name: string, v: unknown): { shape: number[]; size: number } {
  const shape = checkIntList(name, v, 0);
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size)) throw new ArgumentError(`${name}: ${describe(shape)} has too many elements`);
  return { shape, size };
}

function checkAxes(name: string, v: unknown, ndim: number): void {
  if (Array.isArray(v) && v.length !== ndim) throw new ShapeError(`${name}: expected ${ndim} entries (one per axis), got ${v.length}`);
}

/**
 * N-d transpose: out.shape[i] = shape[perm[i]] (torch.permute, copying). out must not share
 * memory with x; undefined allocates. At most 8 axes.
 *
 * @example
 * permute(qkv, [B, 49, 3, heads, d], [2, 0, 3, 1, 4]); // -> [3, B, heads, 49, d]
 */
export function permute(x: Float32Array, shape: readonly number[], perm: readonly number[], out?: Float32Array): Float32Array {
  const s = checkShapeList('shape', shape);
  checkAxes('perm', perm, s.shape.length);
  const p = checkIntList('perm', perm, 0);
  const seen = new Set<number>();
  for (const a of p) {
    if (a >= s.shape.length || seen.has(a)) throw new ArgumentError(`perm: expected a permutation of 0..${s.shape.length - 1}, got ${describe(p)}`);
    seen.add(a);
  }
  checkF32('x', x, s.size);
  const o = out === undefined ? allocFloat32(s.size) : checkF32('out', out, s.size);
  checkNoOverlap('out', o, 'x', x);
  runKernel((k) => k.Permute(x, s.shape, p, o));
  return o;
}

/**
 * Window copy between a tensor and a window of a bigger one. Forward (reverse false): writes x
 * (shape) into out (outShape) at `offsets` (pad, concat); the rest of out is left as it is.
 * Reverse: reads the window of x (shape) at `offsets` into out (outShape) (slice). out must not
 * share memory with x; undefined allocates a zeroed buffer.
 *
 * @example
 * copyWindow(x, [8, 56, 56, 64], padded, [8, 62, 62, 64], [0, 3, 3, 0]); // zero padding by 3
 */
export function copyWindow(
  x: Float32Array, shape: readonly number[], out: Float32Array | undefined, outShape: readonly number[],
  offsets: readonly number[], reverse = false,
): Float32Array {
  const s = checkShapeList('shape', shape);
  const os = checkShapeList('outShape', outShape);
  const ndim = s.shape.length;
  checkAxes('outShape', outShape, ndim);
  checkAxes('offsets', offsets, ndim);
  const off = checkIntList('offsets', offsets, 0);
  const rev = checkBool('reverse', reverse);
  const small = rev ? os.shape : s.shape, big = rev ? s.shape : os.shape;
  for (let d = 0; d < ndim; d++) {
    if (off[d] + small[d] > big[d]) {
      throw new ShapeError(`offsets[${d}]: a window of ${small[d]} at ${off[d]} does not fit in an axis of ${big[d]}`);
    }
  }
  checkF32('x', x, s.size);
  const o = out === undefined ? allocFloat32(os.size) : checkF32('out', out, os.size);
  checkNoOverlap('out', o, 'x', x);
  runKernel((k) => k.CopyWindow(x, s.shape, o, os.shape, off, rev));
  return o;
}

/**
 * Cyclic shift: out[(i + shifts) mod shape] = x[i] on every axis (shifts of any sign; one per
 * axis). out must not share memory with x; undefined allocates.
 *
 * @example
 * roll(x, [8, 56, 56, 64], [0, -3, -3, 0]); // Swin's shifted windows
 */
export function roll(x: Float32Array, shape: readonly number[], shifts: readonly number[], out?: Float32Array): Float32Array {
  const s = checkShapeList('shape', shape);
  checkAxes('shifts', shifts, s.shape.length);
  const sh = checkIntList('shifts', shifts);
  checkF32('x', x, s.size);
  const o = out === undefined ? allocFloat32(s.size) : checkF32('out', out, s.size);
  checkNoOverlap('out', o, 'x', x);
  runKernel((k) => k.Roll(x, s.shape, sh, o));
  return o;
}

interface GatherGeom {
  shape: number[];
  size: number;
  axis: number;
  idx: Int32Array;
  small: number;
}

function checkGather(shape: unknown, axis: unknown, indices: unknown): GatherGeom {
  const s = checkShapeList('shape', shape);
  const ndim = s.shape.length;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < 0 || axis >= ndim) {
    throw new ArgumentError(`axis: expected an integer in [0, ${ndim - 1}], got ${describe(axis)}`);
  }
  if (!(indices instanceof Int32Array) && !Array.isArray(indices) && !ArrayBuffer.isView(indices)) {
    throw new ArgumentError(`indices: expected an Int32Array or an array of integers, got ${describe(indices)}`);
  }
  const list = indices as ArrayLike<number>;
  const n = s.shape[axis];
  const idx = list instanceof Int32Array ? list : new Int32Array(list.length);
  for (let j = 0; j < list.length; j++) {
    const v = list[j];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) {
      throw new ArgumentError(`indices[${j}]: expected an integer in [0, ${n - 1}], got ${describe(v)}`);
    }
    idx[j] = v;
  }
  const outerInner = s.shape.reduce((a, d, i) => (i === axis ? a : a * d), 1);
  return { shape: s.shape, size: s.size, axis, idx, small: outerInner * idx.length };
}

/**
 * index_select along `axis`: out[.., j, ..] = x[.., indices[j], ..]. x has `shape`; out has shape
 * with axis `axis` replaced by indices.length. Indices may repeat. out must not share memory
 * with x; undefined allocates.
 *
 * @example
 * gather(table, [169, heads], 0, relIndex); // relative-position bias lookup -> [2401, heads]
 */
export function gather(
  x: Float32Array, shape: readonly number[], axis: number, indices: Int32Array | readonly number[], out?: Float32Array,
): Float32Array {
  const g = checkGather(shape, axis, indices);
  checkF32('x', x, g.size);
  const o = out === undefined ? allocFloat32(g.small) : checkF32('out', out, g.small);
  checkNoOverlap('out', o, 'x', x);
  runKernel((k) => k.Gather(x, g.shape, g.axis, g.idx, o, false));
  return o;
}

/**
 * The backward of `gather`: dx[.., indices[j], ..] += dy[.., j, ..], accumulating into dx (which
 * has the full `shape`); repeated indices add up in index order. dx must not share memory with dy.
 * Returns dx.
 */
export function scatterAdd(
  dy: Float32Array, shape: readonly number[], axis: number, indices: Int32Array | readonly number[], dx: Float32Array,
): Float32Array {
  const g = checkGather(shape, axis, indices);
  checkF32('dy', dy, g.small);
  checkF32('dx', dx, g.size);
  checkNoOverlap('dx', dx, 'dy', dy);
  runKernel((k) => k.Gather(dy, g.shape, g.axis, g.idx, dx, true));
  return dx;
}
