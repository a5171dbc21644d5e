/** Reference elementwise/broadcast arithmetic. Outputs may be inputs exactly (element i read first). */
import type { FloatArray } from './depthwise.js';

export type BinaryOpName = 'add' | 'sub' | 'mul' | 'div';
export type BroadcastMode = 'same' | 'row' | 'scalar';

const OPS: Record<BinaryOpName, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};

/** 'same': b as long as a; 'row': b has cols elements, broadcast over rows of a; 'scalar': b is one value. */
export function binaryRef(op: BinaryOpName, a: FloatArray, b: FloatArray | number, out: FloatArray, mode: BroadcastMode): void {
  const f = OPS[op];
  if (mode === 'scalar') {
    const s = typeof b === 'number' ? b : b[0];
    for (let i = 0; i < a.length; i++) out[i] = f(a[i], s);
    return;
  }
  const bb = b as FloatArray;
  if (mode === 'same') {
    for (let i = 0; i < a.length; i++) out[i] = f(a[i], bb[i]);
    return;
  }
  const cols = bb.length;
  for (let i = 0; i < a.length; i++) out[i] = f(a[i], bb[i % cols]);
}

export function scaleRef(x: FloatArray, alpha: number, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = alpha * x[i];
}

/** y += alpha x */
export function axpyRef(alpha: number, x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}
