// Elementwise/broadcast arithmetic, scale/axpy, the fused residual scaleAdd and the reductions:
// native vs reference on every SIMD target, aliasing that is allowed, and the reference scaleAdd
// backward against finite differences.
import { describe, expect, it } from 'vitest';

import { axpy, binary, rowScale, scale, scaleAdd, scaleAddBackward, sumRows, type BinaryOpName } from '../src/index.js';
import {
  axpyRef, binaryRef, scaleAddBackwardRef, scaleAddRef, scaleRef, sumRowsRef,
} from '../src/reference/index.js';
import { dot, numericGrad, pick, randomF32, randomF64, relL2, rng } from './helpers.js';
import { forEachTarget, SEED, SIZES } from './targets.js';

const TOL = 1e-6;
const OPS: BinaryOpName[] = ['add', 'sub', 'mul', 'div'];

/** b values away from 0 so that division stays well conditioned. */
function denominators(r: () => number, n: number): Float32Array {
  return randomF32(r, n).map((v) => (v < 0 ? v - 0.5 : v + 0.5));
}

forEachTarget('elementwise native vs reference', (target, ti) => {
  const rand = rng(SEED * 3 + ti);
  for (const op of OPS) {
    for (const rows of ti === 0 ? SIZES : [1, 9, 17]) {
      const cols = pick(rand, SIZES);
      it(`binary ${op} rows ${rows} cols ${cols}: same, row, scalar`, () => {
        const r = rng(SEED + rows * 100 + cols);
        const n = rows * cols;
        const a = randomF32(r, n), b = denominators(r, n), brow = denominators(r, cols);
        const want = new Float64Array(n);
        binaryRef(op, a, b, want, 'same');
        expect(relL2(binary(op, a, b, undefined, 'same'), want), 'same').toBeLessThanOrEqual(TOL);
        binaryRef(op, a, brow, want, 'row');
        expect(relL2(binary(op, a, brow, undefined, 'row'), want), 'row').toBeLessThanOrEqual(TOL);
        binaryRef(op, a, Math.fround(-1.7), want, 'scalar');
        expect(relL2(binary(op, a, -1.7, undefined, 'scalar'), want), 'scalar number').toBeLessThanOrEqual(TOL);
        expect(relL2(binary(op, a, Float32Array.of(-1.7), undefined, 'scalar'), want), 'scalar array').toBeLessThanOrEqual(TOL);
      });
    }
  }

  it('binary in place: out = a (all modes), out = b (same)', () => {
    const r = rng(SEED + 1);
    const a = randomF32(r, 130), b = denominators(r, 130), row = denominators(r, 13);
    const check = (mode: 'same' | 'row' | 'scalar', bb: Float32Array | number) => {
      const want = binary('div', a, bb, undefined, mode);
      const ai = a.slice();
      expect(binary('div', ai, bb, ai, mode)).toBe(ai);
      expect(Array.from(ai)).toEqual(Array.from(want));
    };
    check('same', b);
    check('row', row);
    check('scalar', 3);
    const bi = b.slice();
    binary('sub', a, bi, bi, 'same');
    expect(Array.from(bi)).toEqual(Array.from(binary('sub', a, b, undefined, 'same')));
  });

  for (const n of ti === 0 ? [...SIZES, 100_000] : [1, 17, 65]) {
    it(`scale and axpy n ${n}`, () => {
      const r = rng(SEED + n);
      const x = randomF32(r, n), y0 = randomF32(r, n);
      const want = new Float64Array(n);
      scaleRef(x, Math.fround(0.3), want);
      expect(relL2(scale(x, 0.3), want)).toBeLessThanOrEqual(TOL);
      const y = y0.slice();
      const yw = new Float64Array(y0);
      axpyRef(Math.fround(-2.5), x, yw);
      expect(axpy(-2.5, x, y)).toBe(y);
      expect(relL2(y, yw)).toBeLessThanOrEqual(TOL);
    });
  }

  for (let i = 0; i < (ti === 0 ? 16 : 6); i++) {
    const rows = SIZES[i % SIZES.length], cols = pick(rand, [...SIZES, 256, 1000]);
    it(`scaleAdd fwd+bwd, sumRows rows ${rows} cols ${cols}`, () => {
      const r = rng(SEED + rows * 31 + cols);
      const n = rows * cols;
      const x = randomF32(r, n), z = randomF32(r, n), gamma = randomF32(r, cols), dy = randomF32(r, n);
      const want = new Float64Array(n);
      scaleAddRef(x, z, gamma, cols, want);
      expect(relL2(scaleAdd(x, z, gamma, cols), want), 'scaleAdd').toBeLessThanOrEqual(TOL);
      const xi = x.slice();
      scaleAdd(xi, z, gamma, cols, xi);
      expect(relL2(xi, want), 'scaleAdd in place').toBeLessThanOrEqual(TOL);

      const dz = new Float64Array(n), dgamma = new Float64Array(cols);
      scaleAddBackwardRef(z, gamma, dy, cols, dz, dgamma);
      const g = scaleAddBackward(z, gamma, dy, cols);
      expect(relL2(g.dz!, dz), 'dz').toBeLessThanOrEqual(TOL);
      expect(relL2(g.dgamma!, dgamma), 'dgamma').toBeLessThanOrEqual(1e-5);
      const onlyGamma = scaleAddBackward(z, gamma, dy, cols, { dz: null });
      expect(onlyGamma.dz).toBeNull();
      expect(relL2(onlyGamma.dgamma!, dgamma)).toBeLessThanOrEqual(1e-5);

      const cs = new Float64Array(cols);
      sumRowsRef(x, rows, cols, cs);
      expect(relL2(sumRows(x, rows, cols), cs), 'sumRows').toBeLessThanOrEqual(1e-5);
    });
  }

  // Drop path folded into the residual: per-sample factors (0 or 1/(1-p)), samples of 1..5 rows.
  for (let i = 0; i < (ti === 0 ? 12 : 4); i++) {
    const samples = [1, 2, 3, 7, 8, 9, 16, 17][i % 8], per = 1 + (i % 5), cols = pick(rand, [...SIZES, 256]);
    it(`scaleAdd with sampleScale: ${samples} samples x ${per} rows, cols ${cols}`, () => {
      const r = rng(SEED + samples * 131 + per * 17 + cols);
      const rows = samples * per, n = rows * cols;
      const x = randomF32(r, n), z = randomF32(r, n), gamma = randomF32(r, cols), dy = randomF32(r, n);
      const s = Float32Array.from({ length: samples }, (_, k) => (k % 3 === 1 ? 0 : 1 / 0.9));
      // A dropped sample's z may hold anything: its rows still give out = x and dz = 0.
      if (samples > 1) z[per * cols] = Number.NaN;
      const want = new Float64Array(n);
      scaleAddRef(x, z, gamma, cols, want, s);
      const got = scaleAdd(x, z, gamma, cols, undefined, s);
      expect(relL2(got, want), 'scaleAdd').toBeLessThanOrEqual(TOL);
      // The fold rounds as the separate RowScale pass did: equal to the unfused path bit for bit.
      const masked = rowScale(z, rows / per, per * cols, s);
      expect(got).toEqual(scaleAdd(x, masked, gamma, cols));
      const dz = new Float64Array(n), dgamma = new Float64Array(cols);
      scaleAddBackwardRef(z, gamma, dy, cols, dz, dgamma, s);
      const g = scaleAddBackward(z, gamma, dy, cols, { sampleScale: s });
      expect(relL2(g.dz!, dz), 'dz').toBeLessThanOrEqual(TOL);
      expect(relL2(g.dgamma!, dgamma), 'dgamma').toBeLessThanOrEqual(1e-5);
      const unfused = scaleAddBackward(masked, gamma, dy, cols);
      expect(g.dz).toEqual(rowScale(unfused.dz!, rows / per, per * cols, s));
      expect(g.dgamma).toEqual(unfused.dgamma);
      const xi = x.slice();
      scaleAdd(xi, z, gamma, cols, xi, s);
      expect(xi, 'in place').toEqual(got);
    });
  }

  if (ti === 0) {
    it('large reductions (rows 25088 cols 64) stay within 1e-5', () => {
      const rows = 25088, cols = 64;
      const r = rng(SEED + 77);
      const x = randomF32(r, rows * cols).map((v) => v + 0.5), z = randomF32(r, rows * cols), gamma = randomF32(r, cols);
      const cs = new Float64Array(cols), dg = new Float64Array(cols);
      sumRowsRef(x, rows, cols, cs);
      expect(relL2(sumRows(x, rows, cols), cs)).toBeLessThanOrEqual(1e-5);
      scaleAddBackwardRef(z, gamma, x, cols, null, dg);
      expect(relL2(scaleAddBackward(z, gamma, x, cols, { dz: null }).dgamma!, dg)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('scaleAdd reference backward vs finite differences (float64)', () => {
  it('rows 4 cols 6', () => {
    const r = rng(SEED + 4);
    const rows = 4, cols = 6;
    const x = randomF64(r, rows * cols), z = randomF64(r, rows * cols), gamma = randomF64(r, cols), dy = randomF64(r, rows * cols);
    const y = new Float64Array(rows * cols);
    const loss = () => {
      scaleAddRef(x, z, gamma, cols, y);
      return dot(y, dy);
    };
    const dz = new Float64Array(rows * cols), dgamma = new Float64Array(cols);
    scaleAddBackwardRef(z, gamma, dy, cols, dz, dgamma);
    expect(relL2(dz, numericGrad(z, loss))).toBeLessThanOrEqual(1e-8);
    expect(relL2(dgamma, numericGrad(gamma, loss))).toBeLessThanOrEqual(1e-8);
    expect(relL2(dy, numericGrad(x, loss))).toBeLessThanOrEqual(1e-8); // dx = dy
  });

  it('rows 6 cols 5 with per-sample factors (3 samples, one dropped)', () => {
    const r = rng(SEED + 6);
    const rows = 6, cols = 5;
    const x = randomF64(r, rows * cols), z = randomF64(r, rows * cols), gamma = randomF64(r, cols), dy = randomF64(r, rows * cols);
    const s = Float64Array.of(1.25, 0, 1.25);
    const y = new Float64Array(rows * cols);
    const loss = () => {
      scaleAddRef(x, z, gamma, cols, y, s);
      return dot(y, dy);
    };
    const dz = new Float64Array(rows * cols), dgamma = new Float64Array(cols);
    scaleAddBackwardRef(z, gamma, dy, cols, dz, dgamma, s);
    expect(relL2(dz, numericGrad(z, loss))).toBeLessThanOrEqual(1e-8);
    expect(relL2(dgamma, numericGrad(gamma, loss))).toBeLessThanOrEqual(1e-8);
    expect(dz.subarray(2 * cols, 4 * cols).every((v) => v === 0)).toBe(true);
  });
});
