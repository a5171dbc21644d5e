// GELU (erf form): the reference erf against tabulated values, the native kernel against the
// reference on every SIMD target (including tails and extreme inputs), biasGelu against its
// definition, and the reference derivative against finite differences.
import { describe, expect, it } from 'vitest';

import { ArgumentError, biasGelu, biasGeluBackward, gelu, geluBackward, ShapeError } from '../src/index.js';
import { biasGeluBackwardRef, erf, geluBackwardRef, geluGradScalar, geluRef, geluScalar } from '../src/reference/index.js';
import { randomF32, relL2, rng } from './helpers.js';
import { forEachTarget, SEED, SIZES } from './targets.js';

const TOL = 1e-5;

describe('reference erf and gelu', () => {
  // erf values to 16 digits (Abramowitz & Stegun table 7.1 / any CAS)
  const table: [number, number][] = [
    [0, 0], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
    [1.5, 0.9661051464753108], [2, 0.9953222650189527], [2.5, 0.9995930479825550], [3, 0.9999779095030014],
    [4, 0.9999999845827421], [-0.7, -0.6778011938374184],
  ];
  for (const [x, v] of table) {
    it(`erf(${x})`, () => expect(Math.abs(erf(x) - v)).toBeLessThanOrEqual(2e-15));
  }
  it('erfc tail keeps relative precision (gelu(-6), gelu(-10))', () => {
    // gelu(-6) = -6 * Phi(-6) = -6 * 9.865876450376946e-10
    expect(geluScalar(-6) / (-6 * 9.865876450376946e-10)).toBeCloseTo(1, 10);
    expect(geluScalar(-10) / (-10 * 7.619853024160527e-24)).toBeCloseTo(1, 8);
  });
  it('gelu(1) and gelu\'(1)', () => {
    expect(geluScalar(1)).toBeCloseTo(0.8413447460685429, 14);
    // Phi(1) + phi(1) = 0.8413447460685429 + 0.24197072451914337
    expect(geluGradScalar(1)).toBeCloseTo(1.0833154705876863, 14);
  });
  it('derivative matches central differences', () => {
    for (let x = -7; x <= 7; x += 0.37) {
      const h = 1e-6;
      const fd = (geluScalar(x + h) - geluScalar(x - h)) / (2 * h);
      expect(Math.abs(fd - geluGradScalar(x))).toBeLessThanOrEqual(1e-8);
    }
  });
});

forEachTarget('gelu native vs reference', (target, ti) => {
  const lengths = ti === 0 ? [...SIZES, 128, 1000, 70000] : [...SIZES, 1000];
  for (const n of lengths) {
    it(`gelu fwd+bwd n ${n}`, () => {
      const r = rng(SEED + n);
      const x = randomF32(r, n, 4), dy = randomF32(r, n);
      const yRef = new Float64Array(n), dRef = new Float64Array(n);
      geluRef(x, yRef);
      geluBackwardRef(x, dy, dRef);
      const y = gelu(x);
      expect(relL2(y, yRef), 'y').toBeLessThanOrEqual(TOL);
      let maxAbs = 0;
      for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(y[i] - yRef[i]) / Math.max(1, Math.abs(x[i])));
      expect(maxAbs, 'max |error| / max(1, |x|)').toBeLessThanOrEqual(1e-6);
      expect(relL2(geluBackward(x, dy), dRef), 'dx').toBeLessThanOrEqual(TOL);
    });
  }

  it('extreme inputs: large magnitudes, tiny values, zeros', () => {
    const x = new Float32Array([0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 8, -8, 12, -12, 30, -30, 50, -50, 1e10, -1e10, 3.4e38, -3.4e38]);
    const y = gelu(x);
    const d = geluBackward(x, new Float32Array(x.length).fill(1));
    for (let i = 0; i < x.length; i++) {
      const want = geluScalar(x[i]), dwant = geluGradScalar(x[i]);
      expect(Math.abs(y[i] - want), `gelu(${x[i]})`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
      expect(Math.abs(d[i] - dwant), `gelu'(${x[i]})`).toBeLessThanOrEqual(2e-6);
    }
  });

  it('in place: out = x (gelu), out = dy (geluBackward)', () => {
    const r = rng(SEED + 9);
    const x = randomF32(r, 67, 3), dy = randomF32(r, 67);
    const want = gelu(x), dwant = geluBackward(x, dy);
    const xi = x.slice();
    expect(gelu(xi, { out: xi })).toBe(xi);
    expect(Array.from(xi)).toEqual(Array.from(want));
    const di = dy.slice();
    geluBackward(x, di, { out: di });
    expect(Array.from(di)).toEqual(Array.from(dwant));
  });

  for (const [rows, cols] of [[1, 1], [7, 9], [17, 16], [9, 65], [300, 127], [64, 256]]) {
    it(`biasGelu rows ${rows} cols ${cols}`, () => {
      const r = rng(SEED + rows * 7 + cols);
      const h0 = randomF32(r, rows * cols, 3), bias = randomF32(r, cols);
      const h = h0.slice();
      const out = biasGelu(h, bias, cols);
      const hRef = new Float64Array(rows * cols), yRef = new Float64Array(rows * cols);
      for (let i = 0; i < h0.length; i++) hRef[i] = Math.fround(h0[i] + bias[i % cols]);
      geluRef(hRef, yRef);
      expect(relL2(h, hRef), 'h += bias').toBeLessThanOrEqual(1e-7);
      expect(relL2(out, yRef), 'out').toBeLessThanOrEqual(TOL);
      // the same as the separate passes, bit for bit
      expect(Array.from(out)).toEqual(Array.from(gelu(h)));
    });
  }

  // rows straddle the 64-row flush of the block sums and the thread split; cols the SIMD widths
  for (const [rows, cols] of [[1, 1], [3, 7], [7, 9], [17, 16], [65, 17], [9, 24], [130, 63], [300, 127], [64, 256], [513, 40]]) {
    it(`biasGeluBackward rows ${rows} cols ${cols}`, () => {
      const r = rng(SEED + rows * 13 + cols);
      const h = randomF32(r, rows * cols, 3), dy = randomF32(r, rows * cols);
      const dhRef = new Float64Array(rows * cols), dbRef = new Float64Array(cols);
      biasGeluBackwardRef(h, dy, cols, dhRef, dbRef);
      const { dh, db } = biasGeluBackward(h, dy, cols);
      expect(relL2(dh, dhRef), 'dh').toBeLessThanOrEqual(TOL);
      expect(relL2(db!, dbRef), 'db').toBeLessThanOrEqual(TOL);
      // dh equals the unfused GeluGrad bit for bit; db skipped on request; dh may be dy itself
      expect(Array.from(dh)).toEqual(Array.from(geluBackward(h, dy)));
      const di = dy.slice();
      const inPlace = biasGeluBackward(h, di, cols, { dh: di, db: null });
      expect(inPlace.dh).toBe(di);
      expect(inPlace.db).toBeNull();
      expect(Array.from(di)).toEqual(Array.from(dh));
    });
  }

  it('biasGeluBackward: typed errors name the argument', () => {
    const h = new Float32Array(12), dy = new Float32Array(12);
    expect(() => biasGeluBackward(h, dy, 5)).toThrow(ShapeError);
    expect(() => biasGeluBackward(h, dy, 5)).toThrow(/^h: expected a multiple of cols = 5/);
    expect(() => biasGeluBackward(h, new Float32Array(11), 4)).toThrow(/^dy/);
    expect(() => biasGeluBackward(h, dy, 4, { db: h.subarray(0, 4) })).toThrow(/opts\.db/);
    expect(() => biasGeluBackward(h, dy, 4, { bogus: 1 } as never)).toThrow(ArgumentError);
  });
});
