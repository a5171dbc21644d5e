/** Reference NumPy-broadcast arithmetic (generic float arrays). Shapes are assumed checked. */
import type { FloatArray } from './depthwise.js';
import type { BinaryOpName } from './elementwise.js';

const OPS: Record<BinaryOpName, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};

/** Strides of `shape` right-aligned to `outShape`, 0 where it broadcasts. */
function alignedStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const off = outShape.length - shape.length;
  const st = new Array<number>(outShape.length).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d + off] = shape[d] === 1 ? 0 : s;
    s *= shape[d];
  }
  return st;
}

/** out (outShape) = a (aShape) op b (bShape), both broadcast to outShape. */
export function broadcastBinaryRef(
  op: BinaryOpName, a: FloatArray, aShape: readonly number[], b: FloatArray, bShape: readonly number[],
  out: FloatArray, outShape: readonly number[],
): void {
  const f = OPS[op];
  const sa = alignedStrides(aShape, outShape), sb = alignedStrides(bShape, outShape);
  const nd = outShape.length;
  const idx = new Array<number>(nd).fill(0);
  const total = outShape.reduce((x, y) => x * y, 1);
  let ia = 0, ib = 0;
  for (let i = 0; i < total; i++) {
    out[i] = f(a[ia], b[ib]);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < outShape[d]) break;
      ia -= sa[d] * outShape[d];
      ib -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}
