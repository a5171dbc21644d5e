// Layer norm: native vs the float64 reference (forward statistics and output, backward dx/dgamma/
// dbeta) on every SIMD target, and the reference backward against finite differences.
import { describe, expect, it } from 'vitest';

import { layerNorm, layerNormBackward, setThreads } from '../src/index.js';
import { layerNormBackwardRef, layerNormRef } from '../src/reference/index.js';
import { dot, numericGrad, pick, randomF32, randomF64, relL2, rng } from './helpers.js';
import { forEachTarget, SEED, SIZES } from './targets.js';

const TOL = 1e-5;
const COLS = [...SIZES, 2, 3, 5, 10, 13, 256, 384, 1024];

function refOf(x: Float32Array, rows: number, cols: number, gamma: Float32Array | undefined, beta: Float32Array | undefined, dy: Float32Array) {
  const y = new Float64Array(rows * cols), mean = new Float64Array(rows), rstd = new Float64Array(rows);
  layerNormRef(x, rows, cols, gamma, beta, 1e-5, y, mean, rstd);
  const dx = new Float64Array(rows * cols), dgamma = new Float64Array(cols), dbeta = new Float64Array(cols);
  layerNormBackwardRef(x, rows, cols, gamma, mean, rstd, dy, dx, dgamma, dbeta);
  return { y, mean, rstd, dx, dgamma, dbeta };
}

/**
 * dx's error relative to the size of its terms: dx = rstd (g - mean(g) - xhat mean(g xhat)) cancels
 * almost completely for very short rows (cols = 2: dx is O(eps/var)), where an error relative to
 * ||dx|| alone would measure float32's input rounding, not the kernel.
 */
function dxError(dx: Float32Array, ref: { dx: Float64Array; rstd: Float64Array }, rows: number, cols: number,
  gamma: Float32Array | undefined, dy: Float32Array): number {
  let num = 0, den = 0, terms = 0;
  for (let i = 0; i < rows * cols; i++) {
    num += (dx[i] - ref.dx[i]) ** 2;
    den += ref.dx[i] ** 2;
    terms += (ref.rstd[Math.floor(i / cols)] * dy[i] * (gamma ? gamma[i % cols] : 1)) ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 0.1 * Math.sqrt(terms), 1e-30);
}

forEachTarget('layerNorm native vs reference', (target, ti) => {
  const rand = rng(SEED * 13 + ti);
  const count = ti === 0 ? COLS.length * 2 : COLS.length;
  for (let i = 0; i < count; i++) {
    const cols = COLS[i % COLS.length];
    const rows = pick(rand, SIZES);
    const affine = i % 4 !== 3;
    // An offset mean (100 against a spread of ~0.6): the two-pass, shifted statistics matter here.
    // Only for rows of 8+ values: with 2-3 values the spread can be tiny and the backward, which
    // gets the mean rounded to float32 (half an ulp of 100 is 4e-6), is then ill-conditioned.
    const offset = i % 3 === 0 && cols >= 8 ? 100 : 0;
    it(`rows ${rows} cols ${cols}${affine ? '' : ' no-affine'}${offset ? ' offset 100' : ''}`, () => {
      const r = rng(SEED + rows * 977 + cols);
      const x = randomF32(r, rows * cols).map((v) => v + offset);
      const gamma = affine ? randomF32(r, cols, 2) : undefined;
      const beta = affine ? randomF32(r, cols) : undefined;
      const dy = randomF32(r, rows * cols);
      const ref = refOf(x, rows, cols, gamma, beta, dy);
      const f = layerNorm(x, rows, cols, gamma, beta, 1e-5);
      expect(relL2(f.y, ref.y), 'y').toBeLessThanOrEqual(TOL);
      expect(relL2(f.mean, ref.mean), 'mean').toBeLessThanOrEqual(TOL);
      expect(relL2(f.rstd, ref.rstd), 'rstd').toBeLessThanOrEqual(TOL);
      const g = layerNormBackward(x, rows, cols, gamma, f.mean, f.rstd, dy);
      expect(dxError(g.dx!, ref, rows, cols, gamma, dy), 'dx').toBeLessThanOrEqual(TOL);
      expect(relL2(g.dgamma!, ref.dgamma), 'dgamma').toBeLessThanOrEqual(TOL);
      expect(relL2(g.dbeta!, ref.dbeta), 'dbeta').toBeLessThanOrEqual(TOL);
    });
  }

  it('in place (out = x, dx = dy) and skipped outputs', () => {
    const rows = 33, cols = 65;
    const r = rng(SEED + 3);
    const x = randomF32(r, rows * cols), gamma = randomF32(r, cols), beta = randomF32(r, cols), dy = randomF32(r, rows * cols);
    const ref = refOf(x, rows, cols, gamma, beta, dy);
    const f = layerNorm(x, rows, cols, gamma, beta, 1e-5);
    const dyCopy = dy.slice();
    const g = layerNormBackward(x, rows, cols, gamma, f.mean, f.rstd, dyCopy, { dx: dyCopy, dgamma: null, dbeta: null });
    expect(g.dx).toBe(dyCopy);
    expect(g.dgamma).toBeNull();
    expect(dxError(dyCopy, ref, rows, cols, gamma, dy)).toBeLessThanOrEqual(TOL);
    const onlyParams = layerNormBackward(x, rows, cols, gamma, f.mean, f.rstd, dy, { dx: null });
    expect(onlyParams.dx).toBeNull();
    expect(relL2(onlyParams.dgamma!, ref.dgamma)).toBeLessThanOrEqual(TOL);
    const xi = x.slice();
    layerNorm(xi, rows, cols, gamma, beta, 1e-5, { out: xi });
    expect(relL2(xi, ref.y)).toBeLessThanOrEqual(TOL);
  });

  if (ti === 0) {
    it('large: rows 3000 cols 256, 1 thread and all threads agree', () => {
      const rows = 3000, cols = 256;
      const r = rng(SEED + 11);
      const x = randomF32(r, rows * cols), gamma = randomF32(r, cols), beta = randomF32(r, cols), dy = randomF32(r, rows * cols);
      const ref = refOf(x, rows, cols, gamma, beta, dy);
      setThreads(1);
      const f1 = layerNorm(x, rows, cols, gamma, beta, 1e-5);
      const g1 = layerNormBackward(x, rows, cols, gamma, f1.mean, f1.rstd, dy);
      setThreads(0);
      const f2 = layerNorm(x, rows, cols, gamma, beta, 1e-5);
      const g2 = layerNormBackward(x, rows, cols, gamma, f2.mean, f2.rstd, dy);
      expect(relL2(f1.y, f2.y)).toBeLessThanOrEqual(1e-7);
      for (const [a, b, ref0] of [[g1.dgamma, g2.dgamma, ref.dgamma], [g1.dbeta, g2.dbeta, ref.dbeta], [g1.dx, g2.dx, ref.dx]] as const) {
        expect(relL2(a!, ref0)).toBeLessThanOrEqual(TOL);
        expect(relL2(b!, ref0)).toBeLessThanOrEqual(TOL);
      }
      expect(relL2(f2.y, ref.y)).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('layerNorm reference backward vs finite differences (float64)', () => {
  for (const [rows, cols, affine] of [[3, 5, true], [2, 1, true], [4, 8, false], [1, 17, true]] as const) {
    it(`rows ${rows} cols ${cols}${affine ? '' : ' no-affine'}`, () => {
      const r = rng(SEED + rows * 31 + cols);
      const x = randomF64(r, rows * cols), dy = randomF64(r, rows * cols);
      const gamma = affine ? randomF64(r, cols, 2) : undefined, beta = affine ? randomF64(r, cols) : undefined;
      const y = new Float64Array(rows * cols), mean = new Float64Array(rows), rstd = new Float64Array(rows);
      const loss = () => {
        layerNormRef(x, rows, cols, gamma, beta, 1e-5, y, mean, rstd);
        return dot(y, dy);
      };
      loss();
      const dx = new Float64Array(rows * cols), dgamma = new Float64Array(cols), dbeta = new Float64Array(cols);
      layerNormBackwardRef(x, rows, cols, gamma, mean.slice(), rstd.slice(), dy, dx, dgamma, dbeta);
      // cols = 1: y = beta whatever x is, so dx = 0 exactly
      expect(relL2(dx, numericGrad(x, loss))).toBeLessThanOrEqual(cols === 1 ? Infinity : 1e-6);
      if (cols === 1) expect(Math.max(...dx.map(Math.abs))).toBeLessThanOrEqual(1e-9);
      if (gamma && beta) {
        expect(relL2(dgamma, numericGrad(gamma, loss))).toBeLessThanOrEqual(1e-6);
        expect(relL2(dbeta, numericGrad(beta, loss))).toBeLessThanOrEqual(1e-6);
      }
    });
  }
});
