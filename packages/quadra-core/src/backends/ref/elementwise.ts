/** Reference elementwise kernels (generic over float32/float64). */
import type { FArray } from '../../dtype.js';
import type { BinaryMode, BinaryOp, KernelTable } from '../../kernels/names.js';
import { stridesOf } from '../../shape.js';

function apply(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
  }
}

export function binary(op: BinaryOp, a: FArray, b: FArray, out: FArray, mode: BinaryMode): void {
  const cols = b.length;
  for (let i = 0; i < a.length; i++) {
    const bv = mode === 'same' ? b[i] : mode === 'scalar' ? b[0] : b[i % cols];
    out[i] = apply(op, a[i], bv);
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

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erf by Abramowitz–Stegun 7.1.26 is too coarse for float64 checks: use a series/continued fraction. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series, converges quickly for |x| < 2.5 in double precision.
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  // Continued fraction for erfc (Lentz), accurate for |x| >= 2.5.
  const z = ax;
  let f = z;
  let c = z;
  let dd = 0;
  for (let i = 1; i < 200; i++) {
    const an = i / 2;
    dd = z + an * dd;
    dd = dd === 0 ? 1e-300 : 1 / dd;
    c = z + an / c;
    const delta = c * dd;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-z * z) / (f * Math.sqrt(Math.PI));
  return x < 0 ? erfc - 1 : 1 - erfc;
}

export const gelu1 = (x: number): number => 0.5 * x * (1 + erf(x * SQRT1_2));
export const geluGrad1 = (x: number): number => 0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);

export const elementwiseRef: Pick<KernelTable, 'Axpy' | 'Scale' | 'Binary' | 'BroadcastBinary' | 'Gelu' | 'BiasGelu' | 'GeluGrad' | 'ScaleAdd' | 'ScaleAddGrad'> = {
  Axpy(alpha, x, y) {
    for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
  },
  Scale(x, alpha, out) {
    for (let i = 0; i < out.length; i++) out[i] = alpha * x[i];
  },
  Binary: binary,
  BroadcastBinary: broadcastBinary,
  Gelu(x, y) {
    for (let i = 0; i < y.length; i++) y[i] = gelu1(x[i]);
  },
  BiasGelu(h, bias, cols, y) {
    for (let i = 0; i < y.length; i++) {
      if (bias) h[i] += bias[i % cols];
      y[i] = gelu1(h[i]);
    }
  },
  GeluGrad(x, dy, dx) {
    for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * geluGrad1(x[i]);
  },
  ScaleAdd(x, z, gamma, cols, out) {
    for (let i = 0; i < out.length; i++) out[i] = x[i] + gamma[i % cols] * z[i];
  },
  ScaleAddGrad(z, gamma, dy, cols, dz, dgamma) {
    if (dz) for (let i = 0; i < dy.length; i++) dz[i] = dy[i] * gamma[i % cols];
    if (dgamma) {
      const acc = new Float64Array(cols);
      for (let i = 0; i < dy.length; i++) acc[i % cols] += dy[i] * z[i];
      for (let c = 0; c < cols; c++) dgamma[c] = acc[c];
    }
  },
};
