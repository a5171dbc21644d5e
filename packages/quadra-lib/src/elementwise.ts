import { allocFloat32 } from './alloc.js';
import { callNative } from './call-native.js';
import { ArgumentError, ShapeError } from './errors.js';
import { nativeOrNull } from './native.js';
import { axpyRef, binaryRef, scaleRef, type BinaryOpName, type BroadcastMode } from './reference/elementwise.js';
import { checkF32, checkF32Any, checkNoOverlap, checkNumber, checkSameOrNoOverlap } from './validate.js';

export type { BinaryOpName, BroadcastMode };

const OPS: readonly BinaryOpName[] = ['add', 'sub', 'mul', 'div'];
const MODES: readonly BroadcastMode[] = ['same', 'row', 'scalar'];

/**
 * out = a op b, float32, with b broadcast by `mode`:
 * - 'same': b has a's length;
 * - 'row': a is [rows, cols] and b has cols elements (cols must divide a.length);
 * - 'scalar': b is a number or a 1-element Float32Array.
 *
 * Aliasing: out may be a itself (in place), and b itself in 'same' mode; any other overlap is
 * rejected. `out` undefined allocates.
 *
 * @example
 * binary('add', h, bias, h, 'row'); // h[r, :] += bias
 */
export function binary(
  op: BinaryOpName, a: Float32Array, b: Float32Array | number, out: Float32Array | undefined, mode: BroadcastMode,
): Float32Array {
  if (!OPS.includes(op)) throw new ArgumentError(`op: expected one of ${OPS.join(', ')}, got ${String(op)}`);
  if (!MODES.includes(mode)) throw new ArgumentError(`mode: expected one of ${MODES.join(', ')}, got ${String(mode)}`);
  checkF32Any('a', a);
  const o = out === undefined ? allocFloat32(a.length) : checkF32('out', out, a.length);
  checkSameOrNoOverlap('out', o, 'a', a);
  let bArg: Float32Array | number;
  if (mode === 'scalar') {
    bArg = typeof b === 'number' ? checkNumber('b', b) : checkF32('b', b, 1)[0];
  } else {
    if (typeof b === 'number') throw new ArgumentError(`b: a number needs mode 'scalar', got mode '${mode}'`);
    if (mode === 'same') {
      checkF32('b', b, a.length);
      checkSameOrNoOverlap('out', o, 'b', b);
    } else {
      checkF32Any('b', b);
      if (b.length === 0 || a.length % b.length !== 0) {
        throw new ShapeError(`b: expected cols elements where cols divides a's ${a.length} elements, got ${b.length}`);
      }
      checkNoOverlap('out', o, 'b', b);
    }
    bArg = b;
  }
  const native = nativeOrNull();
  if (native) callNative(() => native.binary(op, a, bArg, o, mode));
  else binaryRef(op, a, typeof bArg === 'number' ? Math.fround(bArg) : bArg, o, mode);
  return o;
}

/** out = alpha x; out may be x itself. */
export function scale(x: Float32Array, alpha: number, out?: Float32Array): Float32Array {
  checkF32Any('x', x);
  checkNumber('alpha', alpha);
  const o = out === undefined ? allocFloat32(x.length) : checkF32('out', out, x.length);
  checkSameOrNoOverlap('out', o, 'x', x);
  const native = nativeOrNull();
  if (native) callNative(() => native.scale(x, alpha, o));
  else scaleRef(x, Math.fround(alpha), o);
  return o;
}

/** y += alpha x, in place (gradient accumulation). y may be x itself. Returns y. */
export function axpy(alpha: number, x: Float32Array, y: Float32Array): Float32Array {
  checkNumber('alpha', alpha);
  checkF32Any('x', x);
  checkF32('y', y, x.length);
  checkSameOrNoOverlap('y', y, 'x', x);
  const native = nativeOrNull();
  if (native) callNative(() => native.axpy(alpha, x, y));
  else axpyRef(Math.fround(alpha), x, y);
  return y;
}
