/** Seeded random data and error measures for the kernel tests. */
import type { FloatArray } from '../src/reference/index.js';

/** mulberry32: a small, fast, seedable PRNG. Returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomF32(rand: () => number, length: number, scale = 1): Float32Array {
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = (rand() * 2 - 1) * scale;
  return a;
}

export function randomF64(rand: () => number, length: number, scale = 1): Float64Array {
  const a = new Float64Array(length);
  for (let i = 0; i < length; i++) a[i] = (rand() * 2 - 1) * scale;
  return a;
}

export function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}

/** ||a - b|| / max(||b||, tiny): the relative L2 error of `a` against the oracle `b`. */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

/** Central finite differences of `loss` w.r.t. every element of `param` (changed in place, restored). */
export function numericGrad(param: FloatArray, loss: () => number, eps = 1e-6): Float64Array {
  const g = new Float64Array(param.length);
  for (let i = 0; i < param.length; i++) {
    const v = param[i];
    param[i] = v + eps;
    const lp = loss();
    param[i] = v - eps;
    const lm = loss();
    param[i] = v;
    g[i] = (lp - lm) / (2 * eps);
  }
  return g;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The error `fn` throws (undefined when it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
