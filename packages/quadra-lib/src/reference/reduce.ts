/** Reference reduce family: column sums of a matrix and sums over any axes (float64 accumulation). */
import type { KernelSignatures } from '../kernel-table.js';
import type { FloatArray } from '../types.js';

/** out[c] = sum over rows of x[r, c] (column sums). */
export function sumRowsRef(x: FloatArray, rows: number, cols: number, out: FloatArray): void {
  const s = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) s[c] += x[r * cols + c];
  out.set(s);
}

export function reduceSumRef(x: FloatArray, shape: readonly number[], axes: readonly number[], out: FloatArray): void {
  const nd = shape.length;
  const ost = new Array<number>(nd).fill(0);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    if (axes.includes(d)) continue;
    ost[d] = s;
    s *= shape[d];
  }
  const acc = new Float64Array(out.length);
  const idx = new Array<number>(nd).fill(0);
  let o = 0;
  for (let i = 0; i < x.length; i++) {
    acc[o] += x[i];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      o += ost[d];
      if (idx[d] < shape[d]) break;
      o -= ost[d] * shape[d];
      idx[d] = 0;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i];
}

export const reduceKernels: Pick<KernelSignatures<FloatArray>, 'ReduceSum' | 'SumRows'> = {
  ReduceSum: reduceSumRef,
  SumRows: sumRowsRef,
};
