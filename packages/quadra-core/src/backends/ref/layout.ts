/** Reference data-movement kernels. */
import type { KernelTable } from '../../kernels/names.js';
import { stridesOf } from '../../shape.js';

/** Calls fn(flat index, multi-index) over a row-major shape. */
function forEachIndex(shape: readonly number[], fn: (i: number, idx: number[]) => void): void {
  const idx = new Array<number>(shape.length).fill(0);
  let total = 1;
  for (const d of shape) total *= d;
  for (let i = 0; i < total; i++) {
    fn(i, idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

export const layoutRef: Pick<KernelTable, 'Permute' | 'CopyWindow' | 'Roll' | 'Gather'> = {
  Permute(x, shape, perm, out) {
    const st = stridesOf(shape);
    const outShape = perm.map((p) => shape[p]);
    forEachIndex(outShape, (i, idx) => {
      let src = 0;
      for (let d = 0; d < perm.length; d++) src += idx[d] * st[perm[d]];
      out[i] = x[src];
    });
  },
  CopyWindow(x, shape, out, outShape, offsets, reverse) {
    // Forward: x is the small tensor written into out at offsets. Reverse: out is read from x's window.
    const small = reverse ? outShape : shape;
    const bigShape = reverse ? shape : outShape;
    const bst = stridesOf(bigShape);
    forEachIndex(small, (i, idx) => {
      let b = 0;
      for (let d = 0; d < idx.length; d++) b += (idx[d] + offsets[d]) * bst[d];
      if (reverse) out[i] = x[b];
      else out[b] = x[i];
    });
  },
  Roll(x, shape, shifts, out) {
    const st = stridesOf(shape);
    forEachIndex(shape, (i, idx) => {
      let dst = 0;
      for (let d = 0; d < shape.length; d++) {
        const n = shape[d];
        dst += ((((idx[d] + shifts[d]) % n) + n) % n) * st[d];
      }
      out[dst] = x[i];
    });
  },
  Gather(x, shape, axis, indices, out, scatter) {
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const n = shape[axis];
    const m = indices.length;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const src = (o * n + indices[j]) * inner;
        const dst = (o * m + j) * inner;
        for (let i = 0; i < inner; i++) {
          // scatter: x is the gathered gradient [.., m, ..], out the full-size gradient.
          if (scatter) out[src + i] += x[dst + i];
          else out[dst + i] = x[src + i];
        }
      }
    }
  },
};
