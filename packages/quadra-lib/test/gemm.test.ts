// GEMM and the linear layer: native (oneDNN / OpenBLAS + our bias fill and column sums) vs the
// float64 reference on seeded shapes straddling SIMD widths, every transpose combination, and a
// finite-difference check of the reference backward.
import { describe, expect, it } from 'vitest';

import { gemm, info, linear, linearBackward, setThreads } from '../src/index.js';
import { gemmRef, linearBackwardRef, linearRef } from '../src/reference/index.js';
import { dot, numericGrad, pick, randomF32, randomF64, relL2, rng } from './helpers.js';
import { forEachTarget, native, SEED, SIZES } from './targets.js';

const TOL = 1e-5;

describe.skipIf(!native)('gemm provider', () => {
  it('is reported by info()', () => {
    expect(info().gemm).toMatch(/^(onednn|openblas) \d+\.\d+/);
  });
});

forEachTarget('gemm/linear native vs reference', (target, ti) => {
  const rand = rng(SEED * 101 + ti);
  const count = ti === 0 ? 40 : 12;
  for (let i = 0; i < count; i++) {
    const m = SIZES[i % SIZES.length], n = pick(rand, SIZES), k = pick(rand, SIZES);
    const transA = (i & 1) === 1, transB = (i & 2) === 2;
    const alpha = i % 3 === 0 ? 1 : 0.75, beta = i % 4 === 0 ? 0 : -0.5;
    it(`gemm m${m} n${n} k${k}${transA ? ' tA' : ''}${transB ? ' tB' : ''} alpha ${alpha} beta ${beta}`, () => {
      const r = rng(SEED + m * 1000 + n * 10 + k);
      const a = randomF32(r, m * k), b = randomF32(r, k * n), c0 = randomF32(r, m * n);
      const c = c0.slice();
      gemm(a, b, c, { m, n, k, transA, transB, alpha, beta });
      const ref = new Float64Array(c0);
      gemmRef(a, b, ref, { m, n, k, transA, transB, alpha, beta });
      expect(relL2(c, ref)).toBeLessThanOrEqual(TOL);
    });
  }

  for (let i = 0; i < (ti === 0 ? 22 : 8); i++) {
    const rows = SIZES[(i * 3) % SIZES.length], fi = pick(rand, SIZES), fo = SIZES[i % SIZES.length];
    const withBias = i % 5 !== 4;
    it(`linear fwd+bwd rows ${rows} in ${fi} out ${fo}${withBias ? '' : ' no-bias'}`, () => {
      const r = rng(SEED * 7 + rows * 131 + fi * 17 + fo);
      const dims = { rows, inFeatures: fi, outFeatures: fo };
      const x = randomF32(r, rows * fi), w = randomF32(r, fo * fi, 0.5);
      const bias = withBias ? randomF32(r, fo) : undefined;
      const dy = randomF32(r, rows * fo);
      const yRef = new Float64Array(rows * fo);
      linearRef(x, w, bias, dims, yRef);
      expect(relL2(linear(x, w, bias, dims), yRef), 'y').toBeLessThanOrEqual(TOL);

      const ref = { dx: new Float64Array(rows * fi), dw: new Float64Array(fo * fi), db: new Float64Array(fo) };
      linearBackwardRef(x, w, dy, dims, ref);
      const g = linearBackward(x, w, dy, dims);
      expect(relL2(g.dx!, ref.dx), 'dx').toBeLessThanOrEqual(TOL);
      expect(relL2(g.dw!, ref.dw), 'dw').toBeLessThanOrEqual(TOL);
      expect(relL2(g.db!, ref.db), 'db').toBeLessThanOrEqual(TOL);

      // accumulate adds onto what is there; null skips (and leaves nothing allocated)
      const base = { dw: randomF32(r, fo * fi), db: randomF32(r, fo) };
      const acc = { dw: base.dw.slice(), db: base.db.slice() };
      const g2 = linearBackward(x, w, dy, dims, { dx: null, dw: acc.dw, db: acc.db, accumulate: true });
      expect(g2.dx).toBeNull();
      expect(g2.dw).toBe(acc.dw);
      expect(relL2(acc.dw, ref.dw.map((v, j) => v + base.dw[j])), 'dw accumulated').toBeLessThanOrEqual(TOL);
      expect(relL2(acc.db, ref.db.map((v, j) => v + base.db[j])), 'db accumulated').toBeLessThanOrEqual(TOL);
    });
  }

  if (ti === 0) {
    it('linear gives the same answer on 1 thread and on all threads (large shape)', () => {
      const r = rng(SEED + 5);
      const dims = { rows: 1000, inFeatures: 96, outFeatures: 130 };
      const x = randomF32(r, 1000 * 96), w = randomF32(r, 130 * 96), b = randomF32(r, 130), dy = randomF32(r, 1000 * 130);
      setThreads(1);
      const y1 = linear(x, w, b, dims), g1 = linearBackward(x, w, dy, dims);
      setThreads(0);
      const y2 = linear(x, w, b, dims), g2 = linearBackward(x, w, dy, dims);
      expect(relL2(y1, y2)).toBeLessThanOrEqual(1e-6);
      expect(relL2(g1.dw!, g2.dw!)).toBeLessThanOrEqual(1e-6);
      expect(relL2(g1.db!, g2.db!)).toBeLessThanOrEqual(1e-6);
      const yRef = new Float64Array(1000 * 130);
      linearRef(x, w, b, dims, yRef);
      expect(relL2(y2, yRef)).toBeLessThanOrEqual(TOL);
    });

    it('dw split over threads by rows (rows >= 256 per thread) vs reference, overwrite and accumulate', () => {
      const r = rng(SEED + 7);
      const dims = { rows: 1537, inFeatures: 17, outFeatures: 65 };
      const x = randomF32(r, dims.rows * 17), w = randomF32(r, 65 * 17), dy = randomF32(r, dims.rows * 65);
      const ref = { dx: new Float64Array(dims.rows * 17), dw: new Float64Array(65 * 17), db: new Float64Array(65) };
      linearBackwardRef(x, w, dy, dims, ref);
      const dw = randomF32(r, 65 * 17);
      linearBackward(x, w, dy, dims, { dx: null, dw, db: null });
      expect(relL2(dw, ref.dw)).toBeLessThanOrEqual(TOL);
      linearBackward(x, w, dy, dims, { dx: null, dw, db: null, accumulate: true });
      expect(relL2(dw, ref.dw.map((v) => 2 * v))).toBeLessThanOrEqual(TOL);
    });

    it('linear with a large output (>= 4M elements: the bias is added after the GEMM)', () => {
      const r = rng(SEED + 6);
      const dims = { rows: 16385, inFeatures: 9, outFeatures: 256 };
      const x = randomF32(r, dims.rows * 9), w = randomF32(r, 256 * 9), b = randomF32(r, 256);
      const yRef = new Float64Array(dims.rows * 256);
      linearRef(x, w, b, dims, yRef);
      expect(relL2(linear(x, w, b, dims), yRef)).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('linear reference backward vs finite differences (float64)', () => {
  for (const [rows, fi, fo] of [[3, 4, 5], [1, 7, 2], [6, 1, 3]]) {
    it(`rows ${rows} in ${fi} out ${fo}`, () => {
      const r = rng(SEED + rows * 10 + fi);
      const dims = { rows, inFeatures: fi, outFeatures: fo };
      const x = randomF64(r, rows * fi), w = randomF64(r, fo * fi), b = randomF64(r, fo), dy = randomF64(r, rows * fo);
      const y = new Float64Array(rows * fo);
      const loss = () => {
        linearRef(x, w, b, dims, y);
        return dot(y, dy);
      };
      const g = { dx: new Float64Array(rows * fi), dw: new Float64Array(fo * fi), db: new Float64Array(fo) };
      linearBackwardRef(x, w, dy, dims, g);
      expect(relL2(g.dx, numericGrad(x, loss))).toBeLessThanOrEqual(1e-8);
      expect(relL2(g.dw, numericGrad(w, loss))).toBeLessThanOrEqual(1e-8);
      expect(relL2(g.db, numericGrad(b, loss))).toBeLessThanOrEqual(1e-8);
    });
  }
});
