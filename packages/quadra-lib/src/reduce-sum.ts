import { allocFloat32 } from './alloc.js';
import { callNative } from './call-native.js';
import { ArgumentError } from './errors.js';
import { checkIntList } from './layout.js';
import { nativeOrNull } from './native.js';
import { reduceSumRef } from './reference/reduce-sum.js';
import { checkF32, checkNoOverlap } from './validate.js';

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
  const native = nativeOrNull();
  if (native) callNative(() => native.reduceSum(x, s, ax, o));
  else reduceSumRef(x, s, ax, o);
  return o;
}
