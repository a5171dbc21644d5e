/** Reference reductions. */
import { sumRowsRef } from '@quadranet/lib/reference';
import type { KernelTable } from '../../kernels/names.js';
import { stridesOf } from '../../shape.js';

export const reduceRef: Pick<KernelTable, 'ReduceSum' | 'SumRows'> = {
  ReduceSum(x, shape, axes, out) {
    const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const ost = stridesOf(keep);
    const acc = new Float64Array(out.length);
    const nd = shape.length;
    const idx = new Array<number>(nd).fill(0);
    let o = 0;
    for (let i = 0; i < x.length; i++) {
      acc[o] += x[i];
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]++;
        if (keep[d] !== 1) o += ost[d];
        if (idx[d] < shape[d]) break;
        if (keep[d] !== 1) o -= ost[d] * shape[d];
        idx[d] = 0;
      }
    }
    for (let i = 0; i < out.length; i++) out[i] = acc[i];
  },
  SumRows: sumRowsRef,
};
