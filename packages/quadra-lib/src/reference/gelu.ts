/** Reference GELU, erf form: gelu(x) = 0.5 x (1 + erf(x / sqrt 2)), with a float64 erf. */
import type { FloatArray } from './depthwise.js';

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

/** h[r, :] += bias (in place), out = gelu(h). */
export function biasGeluRef(h: FloatArray, bias: FloatArray, cols: number, out: FloatArray): void {
  for (let i = 0; i < h.length; i++) {
    h[i] += bias[i % cols];
    out[i] = geluScalar(h[i]);
  }
}
