// Native kernels vs the plain-TypeScript reference on seeded random shapes, on every SIMD target
// this CPU supports (so vector tails are exercised at 16, 8 and 4 lanes), with sizes that straddle
// the vector widths. Relative L2 error <= 1e-5 everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  dwconv2d, dwconv2dBackward, info, limitSimd, quadconv2d, quadconv2dBackward, requireNative, setThreads,
} from '../src/index.js';
import { dwconv2dBackwardRef, dwconv2dRef, quadconv2dBackwardRef, quadconv2dRef } from '../src/reference/index.js';
import type { ConvShape, QuadWeights } from '../src/types.js';
import { pick, randomF32, relL2, rng } from './helpers.js';

const SEED = Number(process.env.QUADRA_TEST_SEED ?? 7);
const CS = [1, 3, 7, 8, 9, 16, 17, 24, 40, 63, 64, 65, 130];
const HWS = [1, 2, 5, 7, 14, 23];
const KS = [1, 3, 5, 7, 9];
const TOL = 1e-5;

interface Case { s: ConvShape; k: number; bias: boolean }

/** Every C and every k appears; H, W, batch and bias presence are drawn at random. */
function cases(seed: number, count: number): Case[] {
  const rand = rng(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    const c = CS[i % CS.length];
    const k = KS[(i + Math.floor(i / CS.length)) % KS.length];
    const s = { n: 1 + Math.floor(rand() * 3), h: pick(rand, HWS), w: pick(rand, HWS), c };
    // keep the reference affordable: the largest images get fewer channels' worth of work
    if (s.n * s.h * s.w * c * k * k > 3_000_000) s.n = 1;
    out.push({ s, k, bias: rand() < 0.8 });
  }
  return out;
}

function weights(rand: () => number, s: ConvShape, k: number, bias: boolean): QuadWeights {
  const t = k * k * s.c;
  const b = (n: number) => (bias ? randomF32(rand, n, 0.5) : undefined);
  return { wa: randomF32(rand, t, 0.5), ba: b(s.c), wb: randomF32(rand, t, 0.5), bb: b(s.c), wc: randomF32(rand, t, 0.5), bc: b(s.c) };
}

function label({ s, k, bias }: Case): string {
  return `n${s.n} h${s.h} w${s.w} c${s.c} k${k}${bias ? '' : ' no-bias'}`;
}

const native = (() => {
  try {
    return requireNative();
  } catch {
    return null;
  }
})();
const targets = native ? info().simdSupported.filter((t) => t !== 'SCALAR' || process.env.QUADRA_TEST_ALL_TARGETS) : [];

describe.skipIf(!native)('native kernels vs reference', () => {
  console.log(`native kernel tests: seed ${SEED}, targets ${targets.join(', ')}`);
  afterAll(() => {
    limitSimd('');
    setThreads(0);
  });

  for (const [ti, target] of targets.entries()) {
    describe(`SIMD target ${target}`, () => {
      beforeAll(() => {
        expect(limitSimd(target)).toBe(target);
      });
      // The best target gets the full sweep; the others a smaller one for their tails.
      const list = cases(SEED + ti, ti === 0 ? 44 : 22);
      for (const cs of list) {
        it(`quadconv2d fwd+bwd ${label(cs)}`, () => {
          const rand = rng(SEED * 31 + cs.s.c * 7 + cs.k);
          const { s, k } = cs;
          const count = s.n * s.h * s.w * s.c;
          const x = randomF32(rand, count);
          const w = weights(rand, s, k, cs.bias);
          const dy = randomF32(rand, count);
          const save = { a: new Float32Array(count), b: new Float32Array(count) };
          const y = quadconv2d(x, s, w, k, { save });
          expect(relL2(y, quadconv2dRef(x, s, w, k)), 'y').toBeLessThanOrEqual(TOL);

          const ref = quadconv2dBackwardRef(x, s, w, k, dy);
          const recomputed = quadconv2dBackward(x, s, w, k, dy);
          const fromSaved = quadconv2dBackward(x, s, w, k, dy, { saved: save });
          for (const key of ['dx', 'dwa', 'dba', 'dwb', 'dbb', 'dwc', 'dbc'] as const) {
            expect(relL2(recomputed[key], ref[key]), `recompute ${key}`).toBeLessThanOrEqual(TOL);
            expect(relL2(fromSaved[key], ref[key]), `saved ${key}`).toBeLessThanOrEqual(TOL);
            expect(relL2(fromSaved[key], recomputed[key]), `modes agree ${key}`).toBeLessThanOrEqual(1e-6);
          }
        });

        it(`dwconv2d fwd+bwd ${label(cs)}`, () => {
          const rand = rng(SEED * 17 + cs.s.c * 5 + cs.k);
          const { s, k } = cs;
          const count = s.n * s.h * s.w * s.c;
          const x = randomF32(rand, count);
          const wt = { w: randomF32(rand, k * k * s.c, 0.5), b: cs.bias ? randomF32(rand, s.c) : undefined };
          const dy = randomF32(rand, count);
          expect(relL2(dwconv2d(x, s, wt, k), dwconv2dRef(x, s, wt, k)), 'y').toBeLessThanOrEqual(TOL);
          const g = dwconv2dBackward(x, s, wt, k, dy);
          const ref = dwconv2dBackwardRef(x, s, wt, k, dy);
          for (const key of ['dx', 'dw', 'db'] as const) {
            expect(relL2(g[key], ref[key]), key).toBeLessThanOrEqual(TOL);
          }
        });
      }
    });
  }

  describe('buffers, alignment and threads', () => {
    const s = { n: 2, h: 14, w: 9, c: 65 }, k = 7;
    const count = s.n * s.h * s.w * s.c;
    const rand = rng(SEED + 1000);
    const x = randomF32(rand, count);
    const w = weights(rand, s, k, true);
    const dy = randomF32(rand, count);

    it('reuses output buffers passed in opts.out', () => {
      const out = new Float32Array(count);
      expect(quadconv2d(x, s, w, k, { out })).toBe(out);
      const gout = { dx: new Float32Array(count), dwa: new Float32Array(k * k * s.c) };
      const g = quadconv2dBackward(x, s, w, k, dy, { out: gout });
      expect(g.dx).toBe(gout.dx);
      expect(g.dwa).toBe(gout.dwa);
      expect(relL2(g.dwa, quadconv2dBackwardRef(x, s, w, k, dy).dwa)).toBeLessThanOrEqual(TOL);
    });

    it('gives the same answer on buffers that are not 64-byte aligned', () => {
      const shifted = (a: Float32Array) => {
        const buf = new Float32Array(a.length + 3);
        const view = buf.subarray(1, 1 + a.length); // 4-byte offset
        view.set(a);
        return view;
      };
      const y0 = quadconv2d(x, s, w, k);
      const y1 = quadconv2d(shifted(x), s, { ...w, wa: shifted(w.wa), bb: shifted(w.bb!) }, k, { out: shifted(new Float32Array(count)) });
      expect(relL2(y1, y0)).toBeLessThanOrEqual(1e-7);
    });

    it('gives the same answer on 1 thread and on all threads', () => {
      setThreads(1);
      const g1 = quadconv2dBackward(x, s, w, k, dy);
      setThreads(0);
      const g2 = quadconv2dBackward(x, s, w, k, dy);
      expect(relL2(g1.dx, g2.dx)).toBeLessThanOrEqual(1e-7);
      expect(relL2(g1.dwb, g2.dwb)).toBeLessThanOrEqual(1e-6);
    });
  });
});
