/** Reference elementwise family: same/row/scalar and NumPy-broadcast arithmetic, GELU, the scaled residual, row scaling. */
import type { KernelSignatures } from '../kernel-table.js';
import type { FloatArray } from '../types.js';

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

/**
 * erfc(x) for x >= 0 to near float64 precision: the Maclaurin series of erf for x < 2.5, the
 * continued fraction erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
 * (evaluated bottom-up) beyond.
 */
function erfcPositive(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x, sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = x;
  for (let n = 60; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? 1 - erfcPositive(x) : erfcPositive(-x) - 1;
}

/** 1 + erf(x / sqrt 2) without cancellation for negative x. */
function twicePhi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  return x < 0 ? erfcPositive(z) : 2 - erfcPositive(z);
}

export function geluScalar(x: number): number {
  return 0.5 * x * twicePhi(x);
}

/** gelu'(x) = Phi(x) + x phi(x). */
export function geluGradScalar(x: number): number {
  return 0.5 * twicePhi(x) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
}

/** out = gelu(x); out may be x. */
export function geluRef(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = geluScalar(x[i]);
}

/** out = dy gelu'(x); out may be x or dy. */
export function geluBackwardRef(x: FloatArray, dy: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = dy[i] * geluGradScalar(x[i]);
}

/** dh = dy gelu'(h) over [rows, cols]; db (when given) = column sums of dh (float64 sums). dh may be h or dy. */
export function biasGeluBackwardRef(h: FloatArray, dy: FloatArray, cols: number, dh: FloatArray, db: FloatArray | null): void {
  const sums = new Float64Array(cols);
  for (let i = 0; i < h.length; i++) {
    const v = dy[i] * geluGradScalar(h[i]);
    dh[i] = v;
    sums[i % cols] += dh[i];
  }
  if (db) for (let c = 0; c < cols; c++) db[c] = sums[c];
}

/** h[r, :] += bias (in place), out = gelu(h). */
export function biasGeluRef(h: FloatArray, bias: FloatArray, cols: number, out: FloatArray): void {
  for (let i = 0; i < h.length; i++) {
    h[i] += bias[i % cols];
    out[i] = geluScalar(h[i]);
  }
}

/** Element i's per-sample factor: 1 without factors, else s[sample of i] (s.length samples). */
function sampleFactor(s: FloatArray | null | undefined, i: number, n: number): number {
  return s ? s[Math.floor(i / (n / s.length))] : 1;
}

/**
 * out[r, c] = x[r, c] + gamma[c] (s_r z[r, c]), with s_r the optional per-sample factor of row r
 * (sampleScale holds one per sample; a zero gives out = x exactly). out may be x.
 */
export function scaleAddRef(
  x: FloatArray, z: FloatArray, gamma: FloatArray, cols: number, out: FloatArray, sampleScale?: FloatArray | null,
): void {
  for (let i = 0; i < x.length; i++) {
    const f = sampleFactor(sampleScale, i, x.length);
    out[i] = f === 0 ? x[i] : x[i] + gamma[i % cols] * (f * z[i]);
  }
}

/**
 * dz = s_r (dy gamma), dgamma = sum over rows of dy (s_r z); null outputs are skipped; dz may be dy.
 * A zero factor gives dz = 0 and no dgamma term.
 */
export function scaleAddBackwardRef(
  z: FloatArray, gamma: FloatArray, dy: FloatArray, cols: number, dz: FloatArray | null, dgamma: FloatArray | null,
  sampleScale?: FloatArray | null,
): void {
  const dg = new Float64Array(cols);
  for (let i = 0; i < z.length; i++) {
    const c = i % cols;
    const f = sampleFactor(sampleScale, i, z.length);
    if (f !== 0) dg[c] += dy[i] * (f * z[i]);
    if (dz) dz[i] = f === 0 ? 0 : f * (dy[i] * gamma[c]);
  }
  if (dgamma) dgamma.set(dg);
}

/** out[r, :] = s[r] x[r, :]; a zero s[r] writes zeros (drop path's dropped samples). out may be x. */
export function rowScaleRef(x: FloatArray, rows: number, cols: number, s: FloatArray, out: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const f = s[r];
    const o = r * cols;
    if (f === 0) out.fill(0, o, o + cols);
    else for (let c = 0; c < cols; c++) out[o + c] = f * x[o + c];
  }
}

export const elementwiseKernels: Pick<KernelSignatures<FloatArray>,
  'Axpy' | 'Scale' | 'Binary' | 'BroadcastBinary' | 'RowScale' | 'Gelu' | 'BiasGelu' | 'GeluGrad' | 'BiasGeluGrad' | 'ScaleAdd' | 'ScaleAddGrad'> = {
  Axpy: axpyRef,
  Scale: scaleRef,
  Binary: binaryRef,
  BroadcastBinary: broadcastBinaryRef,
  RowScale: rowScaleRef,
  Gelu: geluRef,
  BiasGelu(h, bias, cols, y) {
    if (bias) biasGeluRef(h, bias, cols, y);
    else geluRef(h, y);
  },
  GeluGrad: geluBackwardRef,
  BiasGeluGrad: biasGeluBackwardRef,
  ScaleAdd: scaleAddRef,
  ScaleAddGrad: scaleAddBackwardRef,
};
