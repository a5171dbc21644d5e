/** Reference elementwise kernels (generic over float32/float64). */
import type { FArray } from '../../dtype.js';
import {
  axpyRef, biasGeluRef, binaryRef, geluBackwardRef, geluRef, scaleAddBackwardRef, scaleAddRef, scaleRef,
} from '@quadranet/lib/reference';
import type { BinaryOp, KernelTable } from '../../kernels/names.js';
import { stridesOf } from '../../shape.js';

function apply(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
  }
}

/** Strides of `shape` aligned to `outShape`, 0 where broadcast. */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const st = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : st[i - off]));
}

export function broadcastBinary(
  op: BinaryOp, a: FArray, aShape: readonly number[], b: FArray, bShape: readonly number[], out: FArray, outShape: readonly number[],
): void {
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const nd = outShape.length;
  const idx = new Array<number>(nd).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = apply(op, a[ia], b[ib]);
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

/** Same-shape/row/scalar kernels from @quadranet/lib's references; general broadcasting here. */
export const elementwiseRef: Pick<KernelTable, 'Axpy' | 'Scale' | 'RowScale' | 'Binary' | 'BroadcastBinary' | 'Gelu' | 'BiasGelu' | 'GeluGrad' | 'ScaleAdd' | 'ScaleAddGrad'> = {
  Axpy: axpyRef,
  Scale: scaleRef,
  RowScale(x, rows, cols, s, out) {
    for (let r = 0; r < rows; r++) {
      const f = s[r];
      const o = r * cols;
      if (f === 0) out.fill(0, o, o + cols);
      else for (let c = 0; c < cols; c++) out[o + c] = f * x[o + c];
    }
  },
  Binary: binaryRef,
  BroadcastBinary: broadcastBinary,
  Gelu: geluRef,
  BiasGelu(h, bias, cols, y) {
    if (bias) biasGeluRef(h, bias, cols, y);
    else geluRef(h, y);
  },
  GeluGrad: geluBackwardRef,
  ScaleAdd: scaleAddRef,
  ScaleAddGrad: scaleAddBackwardRef,
};
