// The reference kernels are the oracle: check them against independent formulas and their
// backward passes against float64 central finite differences.
import { describe, expect, it } from 'vitest';

import {
  correlate, dwconv2dBackwardRef, dwconv2dRef, quadconv2dBackwardRef, quadconv2dRef,
} from '../src/reference/index.js';
import type { ConvShape, QuadWeights } from '../src/types.js';
import { dot, numericGrad, randomF64, relL2, rng } from './helpers.js';

const SEED = 20261127;

function quadWeights(rand: () => number, s: ConvShape, k: number): QuadWeights<Float64Array> {
  const t = k * k * s.c;
  return {
    wa: randomF64(rand, t), ba: randomF64(rand, s.c), wb: randomF64(rand, t),
    bb: randomF64(rand, s.c), wc: randomF64(rand, t), bc: randomF64(rand, s.c),
  };
}

describe('reference quadconv2d forward', () => {
  it('with k = 1 is the pointwise quadratic neuron (wa x + ba)(wb x + bb) + wc x + bc', () => {
    const rand = rng(SEED);
    const s = { n: 2, h: 3, w: 4, c: 5 };
    const x = randomF64(rand, 120);
    const w = quadWeights(rand, s, 1);
    const y = quadconv2dRef(x, s, w, 1);
    for (let i = 0; i < x.length; i++) {
      const c = i % s.c;
      const want = (w.wa[c] * x[i] + w.ba![c]) * (w.wb[c] * x[i] + w.bb![c]) + w.wc[c] * x[i] + w.bc![c];
      expect(y[i]).toBeCloseTo(want, 12);
    }
  });

  it('with Wa = 0 and ba = 0 equals the depthwise conv with Wc, bc', () => {
    const rand = rng(SEED + 1);
    const s = { n: 1, h: 6, w: 5, c: 3 }, k = 5;
    const x = randomF64(rand, 90);
    const w = quadWeights(rand, s, k);
    w.wa.fill(0);
    w.ba!.fill(0);
    expect(relL2(quadconv2dRef(x, s, w, k), dwconv2dRef(x, s, { w: w.wc, b: w.bc }, k))).toBeLessThan(1e-15);
  });

  it('computes one hand-checked 3x3 correlation with zero padding', () => {
    const s = { n: 1, h: 3, w: 3, c: 1 };
    const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const wt = Float64Array.from([0, 1, 0, 1, 1, 1, 0, 1, 0]); // a plus sign
    const y = correlate(x, s, wt, Float64Array.of(0.5), 3);
    // centre: 2+4+5+6+8 = 25; top-left corner: 1+2+4 = 7
    expect(y[4]).toBe(25.5);
    expect(y[0]).toBe(7.5);
  });
});

describe('reference backward vs float64 central finite differences', () => {
  const cases: { s: ConvShape; k: number }[] = [
    { s: { n: 2, h: 4, w: 5, c: 3 }, k: 3 },
    { s: { n: 1, h: 2, w: 3, c: 2 }, k: 5 }, // kernel larger than the image
    { s: { n: 1, h: 3, w: 3, c: 1 }, k: 1 },
  ];
  for (const { s, k } of cases) {
    it(`quadconv2d ${JSON.stringify(s)} k=${k}`, () => {
      const rand = rng(SEED + k);
      const count = s.n * s.h * s.w * s.c;
      const x = randomF64(rand, count);
      const w = quadWeights(rand, s, k);
      const r = randomF64(rand, count); // loss = sum(r . y), so dy = r
      const loss = () => dot(quadconv2dRef(x, s, w, k), r);
      const g = quadconv2dBackwardRef(x, s, w, k, r);
      const pairs: [string, Float64Array, Float64Array][] = [
        ['dx', x, g.dx], ['dwa', w.wa, g.dwa], ['dba', w.ba!, g.dba], ['dwb', w.wb, g.dwb],
        ['dbb', w.bb!, g.dbb], ['dwc', w.wc, g.dwc], ['dbc', w.bc!, g.dbc],
      ];
      for (const [name, param, analytic] of pairs) {
        const err = relL2(analytic, numericGrad(param, loss));
        expect(err, name).toBeLessThan(1e-7);
      }
    });

    it(`dwconv2d ${JSON.stringify(s)} k=${k}`, () => {
      const rand = rng(SEED + 100 + k);
      const count = s.n * s.h * s.w * s.c;
      const x = randomF64(rand, count);
      const wt = { w: randomF64(rand, k * k * s.c), b: randomF64(rand, s.c) };
      const r = randomF64(rand, count);
      const loss = () => dot(dwconv2dRef(x, s, wt, k), r);
      const g = dwconv2dBackwardRef(x, s, wt, k, r);
      expect(relL2(g.dx, numericGrad(x, loss)), 'dx').toBeLessThan(1e-7);
      expect(relL2(g.dw, numericGrad(wt.w, loss)), 'dw').toBeLessThan(1e-7);
      expect(relL2(g.db, numericGrad(wt.b, loss)), 'db').toBeLessThan(1e-7);
    });
  }
});
