/** Reference reductions over a row-major [rows, cols] matrix, accumulated in float64. */
import type { FloatArray } from './depthwise.js';

/** out[c] = sum over rows of x[r, c] (column sums). */
export function sumRowsRef(x: FloatArray, rows: number, cols: number, out: FloatArray): void {
  const s = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) s[c] += x[r * cols + c];
  out.set(s);
}

/** out[r] = sum over columns of x[r, c] (row sums). */
export function sumColsRef(x: FloatArray, rows: number, cols: number, out: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += x[r * cols + c];
    out[r] = s;
  }
}
