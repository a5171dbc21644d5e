import { allocFloat32 } from './alloc.js';
import { callNative } from './call-native.js';
import { ArgumentError, ShapeError } from './errors.js';
import { checkIntList, MAX_DIMS } from './layout.js';
import { nativeOrNull } from './native.js';
import { broadcastBinaryRef } from './reference/broadcast.js';
import type { BinaryOpName } from './reference/elementwise.js';
import { checkF32, checkSameOrNoOverlap } from './validate.js';

const OPS: readonly BinaryOpName[] = ['add', 'sub', 'mul', 'div'];
const size = (s: readonly number[]): number => s.reduce((x, y) => x * y, 1);
const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** The NumPy broadcast of two shapes (ShapeError naming both when they do not broadcast). */
export function broadcastShape(aShape: readonly number[], bShape: readonly number[]): number[] {
  const nd = Math.max(aShape.length, bShape.length);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const a = aShape[aShape.length - nd + i] ?? 1, b = bShape[bShape.length - nd + i] ?? 1;
    if (a !== b && a !== 1 && b !== 1) throw new ShapeError(`aShape ${fmt(aShape)} and bShape ${fmt(bShape)} do not broadcast (axis ${i}: ${a} vs ${b})`);
    out.push(a === 1 ? b : a);
  }
  return out;
}

/**
 * out = a op b with NumPy broadcasting of both operands to `outShape` (by default their
 * broadcast shape; it may be bigger, e.g. to expand a kept-dims sum). At most 8 axes. out may be
 * an operand itself when that operand has out's size; other overlaps are rejected.
 *
 * @example
 * broadcastBinary('add', scores, [8, 2, 49, 49], bias, [1, 2, 49, 49]); // relative-position bias
 */
export function broadcastBinary(
  op: BinaryOpName, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[],
  out?: Float32Array, outShape?: readonly number[],
): Float32Array {
  if (!OPS.includes(op)) throw new ArgumentError(`op: expected one of ${OPS.join(', ')}, got ${String(op)}`);
  const as = checkIntList('aShape', aShape, 0), bs = checkIntList('bShape', bShape, 0);
  const os = outShape === undefined ? broadcastShape(as, bs) : checkIntList('outShape', outShape, 0);
  if (os.length > MAX_DIMS) throw new ArgumentError(`outShape: at most ${MAX_DIMS} axes are supported, got ${os.length}`);
  for (const [name, s] of [['aShape', as], ['bShape', bs]] as const) {
    const off = os.length - s.length;
    if (off < 0 || s.some((d, i) => d !== 1 && d !== os[i + off])) {
      throw new ShapeError(`${name}: ${fmt(s)} does not broadcast to outShape ${fmt(os)}`);
    }
  }
  const n = size(os);
  if (!Number.isSafeInteger(n)) throw new ArgumentError(`outShape: ${fmt(os)} has too many elements`);
  checkF32('a', a, size(as));
  checkF32('b', b, size(bs));
  const o = out === undefined ? allocFloat32(n) : checkF32('out', out, n);
  checkSameOrNoOverlap('out', o, 'a', a);
  checkSameOrNoOverlap('out', o, 'b', b);
  const native = nativeOrNull();
  if (native) callNative(() => native.broadcastBinary(op, a, as, b, bs, o, os));
  else broadcastBinaryRef(op, a, as, b, bs, o, os);
  return o;
}
