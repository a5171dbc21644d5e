/** The reduce family: column sums and sums over any axes (checked user functions). */
import { allocFloat32 } from './alloc.js';
import { runKernel } from './call-native.js';
import { ArgumentError } from './errors.js';
import { checkIntList } from './layout.js';
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
  runKernel((k) => k.SumRows(x, r, c, o));
  return o;
}

/**
 * Sum of x (shape, at most 8 axes) over `axes` (distinct, any order); out has the kept axes'
 * size. out must not share memory with x; undefined allocates.
 *
 * @example
 * reduceSum(x, [8, 56, 56, 64], [1, 2]); // NHWC -> NC (global pooling, times H·W)
 */
export function reduceSum(x: Float32Array, shape: readonly number[], axes: readonly number[], out?: Float32Array): Float32Array {
  const s = checkIntList('shape', shape, 0);
  const ax = checkIntList('axes', axes, 0);
  ax.forEach((a, i) => {
    if (a >= s.length || ax.indexOf(a) !== i) throw new ArgumentError(`axes[${i}]: expected a distinct axis in [0, ${s.length - 1}], got ${a}`);
  });
  const n = s.reduce((p, d) => p * d, 1);
  if (!Number.isSafeInteger(n)) throw new ArgumentError(`shape: [${s.join(', ')}] has too many elements`);
  const kept = s.reduce((p, d, i) => (ax.includes(i) ? p : p * d), 1);
  checkF32('x', x, n);
  const o = out === undefined ? allocFloat32(kept) : checkF32('out', out, kept);
  checkNoOverlap('out', o, 'x', x);
  runKernel((k) => k.ReduceSum(x, s, ax, o));
  return o;
}
