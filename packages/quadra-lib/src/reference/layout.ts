/**
 * Reference data-movement kernels (generic over float32/float64): N-d permute, window copy,
 * roll, gather and its scatter-add. Shapes are row-major; arguments are assumed checked.
 */
import type { KernelSignatures } from '../kernel-table.js';
import type { FloatArray } from '../types.js';

function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = s;
    s *= shape[d];
  }
  return st;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Calls fn(flat index, multi-index) over a row-major shape. */
function forEachIndex(shape: readonly number[], fn: (i: number, idx: number[]) => void): void {
  const idx = new Array<number>(shape.length).fill(0);
  const total = sizeOf(shape);
  for (let i = 0; i < total; i++) {
    fn(i, idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

/** out = x.transpose(perm): out.shape[i] = shape[perm[i]]. */
export function permuteRef(x: FloatArray, shape: readonly number[], perm: readonly number[], out: FloatArray): void {
  const st = stridesOf(shape);
  forEachIndex(perm.map((p) => shape[p]), (i, idx) => {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += idx[d] * st[perm[d]];
    out[i] = x[src];
  });
}

/**
 * Forward: writes x (shape) into out (outShape) at `offsets`. Reverse: reads the window of x
 * (shape) at `offsets` into out (outShape).
 */
export function copyWindowRef(
  x: FloatArray, shape: readonly number[], out: FloatArray, outShape: readonly number[], offsets: readonly number[], reverse: boolean,
): void {
  const small = reverse ? outShape : shape;
  const bst = stridesOf(reverse ? shape : outShape);
  forEachIndex(small, (i, idx) => {
    let b = 0;
    for (let d = 0; d < idx.length; d++) b += (idx[d] + offsets[d]) * bst[d];
    if (reverse) out[i] = x[b];
    else out[b] = x[i];
  });
}

/** out[(i + shifts) mod shape] = x[i] on every axis. */
export function rollRef(x: FloatArray, shape: readonly number[], shifts: readonly number[], out: FloatArray): void {
  const st = stridesOf(shape);
  forEachIndex(shape, (i, idx) => {
    let dst = 0;
    for (let d = 0; d < shape.length; d++) {
      const n = shape[d];
      dst += ((((idx[d] + shifts[d]) % n) + n) % n) * st[d];
    }
    out[dst] = x[i];
  });
}

/** out[.., j, ..] = x[.., indices[j], ..] along `axis` of x (shape). */
export function gatherRef(x: FloatArray, shape: readonly number[], axis: number, indices: ArrayLike<number>, out: FloatArray): void {
  const outer = sizeOf(shape.slice(0, axis)), inner = sizeOf(shape.slice(axis + 1)), n = shape[axis], m = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + indices[j]) * inner, dst = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = x[src + i];
    }
  }
}

/** The backward of gatherRef: dx (shape) [.., indices[j], ..] += dy[.., j, ..], in index order. */
export function scatterAddRef(dy: FloatArray, shape: readonly number[], axis: number, indices: ArrayLike<number>, dx: FloatArray): void {
  const outer = sizeOf(shape.slice(0, axis)), inner = sizeOf(shape.slice(axis + 1)), n = shape[axis], m = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * n + indices[j]) * inner, src = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) dx[dst + i] += dy[src + i];
    }
  }
}

export const layoutKernels: Pick<KernelSignatures<FloatArray>, 'Permute' | 'CopyWindow' | 'Roll' | 'Gather'> = {
  Permute: permuteRef,
  CopyWindow: copyWindowRef,
  Roll: rollRef,
  Gather(x, shape, axis, indices, out, scatter) {
    // scatter: x is the gathered gradient [.., m, ..], out the full-size gradient it adds into.
    if (scatter) scatterAddRef(x, shape, axis, indices, out);
    else gatherRef(x, shape, axis, indices, out);
  },
};
