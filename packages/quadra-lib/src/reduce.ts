import { allocFloat32 } from './alloc.js';
import { callNative } from './call-native.js';
import { nativeOrNull } from './native.js';
import { sumColsRef, sumRowsRef } from './reference/reduce.js';
import { checkDim, checkedProduct, checkF32, checkNoOverlap } from './validate.js';

function reduceArgs(x: Float32Array, rows: number, cols: number, out: Float32Array | undefined, outLength: 'rows' | 'cols') {
  const r = checkDim('rows', rows), c = checkDim('cols', cols);
  checkF32('x', x, checkedProduct('x', r, c));
  const n = outLength === 'rows' ? r : c;
  const o = out === undefined ? allocFloat32(n) : checkF32('out', out, n);
  checkNoOverlap('out', o, 'x', x);
  return { r, c, o };
}

/**
 * Column sums of a [rows, cols] matrix (the sum over rows; e.g. a bias gradient): out [cols].
 *
 * @example
 * const db = sumRows(dy, 3136, 64);
 */
export function sumRows(x: Float32Array, rows: number, cols: number, out?: Float32Array): Float32Array {
  const { r, c, o } = reduceArgs(x, rows, cols, out, 'cols');
  const native = nativeOrNull();
  if (native) callNative(() => native.sumRows(x, r, c, o));
  else sumRowsRef(x, r, c, o);
  return o;
}

/** Row sums of a [rows, cols] matrix (the sum over columns): out [rows]. */
export function sumCols(x: Float32Array, rows: number, cols: number, out?: Float32Array): Float32Array {
  const { r, c, o } = reduceArgs(x, rows, cols, out, 'rows');
  const native = nativeOrNull();
  if (native) callNative(() => native.sumCols(x, r, c, o));
  else sumColsRef(x, r, c, o);
  return o;
}
