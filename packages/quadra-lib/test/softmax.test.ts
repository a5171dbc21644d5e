// softmax / log-softmax and their backward: native vs the float64 reference on every SIMD
// target, rows and cols straddling SIMD widths, large logits (max subtraction), in place; errors.
import { describe, expect, it } from 'vitest';

import { ArgumentError, ShapeError, softmax, softmaxBackward } from '../src/index.js';
import { softmaxBackwardRef, softmaxRef } from '../src/reference/index.js';
import { pick, randomF32, relL2, rng, thrown } from './helpers.js';
import { forEachTarget, native, SEED, SIZES } from './targets.js';

const TOL = 2e-6;

forEachTarget('softmax native vs reference', (target, ti) => {
  const rand = rng(SEED * 17 + ti);
  for (const cols of ti === 0 ? [...SIZES, 1000] : [1, 9, 17, 65]) {
    const rows = pick(rand, SIZES);
    for (const log of [false, true]) {
      it(`${log ? 'logSoftmax' : 'softmax'} rows ${rows} cols ${cols}, forward and backward`, () => {
        const r = rng(SEED + rows * 1000 + cols);
        const n = rows * cols;
        const x = randomF32(r, n, 8), dy = randomF32(r, n);
        const want = new Float64Array(n);
        softmaxRef(x, rows, cols, want, log);
        const y = softmax(x, rows, cols, { log });
        expect(relL2(y, want), 'forward').toBeLessThanOrEqual(TOL);
        const dxWant = new Float64Array(n);
        softmaxBackwardRef(y, dy, rows, cols, dxWant, log);
        expect(relL2(softmaxBackward(y, dy, rows, cols, { log }), dxWant), 'backward').toBeLessThanOrEqual(1e-5);
        // in place: out = x, dx = dy
        const xi = x.slice();
        softmax(xi, rows, cols, { out: xi, log });
        expect(Array.from(xi)).toEqual(Array.from(y));
        const di = dy.slice();
        softmaxBackward(y, di, rows, cols, { dx: di, log });
        expect(relL2(di, dxWant)).toBeLessThanOrEqual(1e-5);
      });
    }
  }
  it('large and very negative logits stay finite (max subtracted)', () => {
    const x = Float32Array.of(1000, 999, -1000, 1e30, -1e30, 0, 0, 0, 88, 89, 90, -200, 5, 5, 5, 5, 5);
    for (const log of [false, true]) {
      const want = new Float64Array(x.length);
      softmaxRef(x, 1, x.length, want, log);
      const y = softmax(x, 1, x.length, { log });
      expect(y.every(Number.isFinite)).toBe(true);
      expect(relL2(y, want)).toBeLessThanOrEqual(TOL);
    }
  });
  it.runIf(ti === 0)('Swin attention: rows 8·64·2·49, cols 49', () => {
    const rows = 8 * 64 * 2 * 49, cols = 49;
    const r = rng(SEED + 49);
    const x = randomF32(r, rows * cols, 4);
    const want = new Float64Array(x.length);
    softmaxRef(x, rows, cols, want, false);
    expect(relL2(softmax(x, rows, cols), want)).toBeLessThanOrEqual(TOL);
  });
});

describe('softmax errors', () => {
  const x = new Float32Array(12);
  it('names the bad argument', () => {
    expect(thrown(() => softmax(x, 3, 5))).toBeInstanceOf(ShapeError);
    expect(String(thrown(() => softmax(x, 0, 12)))).toMatch(/rows/);
    expect(thrown(() => softmax(x, 3, 4, { out: x.subarray(1, 12) }))).toBeInstanceOf(ShapeError);
    expect(thrown(() => softmax(x, 3, 4, { log: 1 as unknown as boolean }))).toBeInstanceOf(ArgumentError);
    const y = new Float32Array(12);
    expect(String(thrown(() => softmaxBackward(y, x, 3, 4, { dx: y })))).toMatch(/opts.dx: must not share memory with y/);
    expect(thrown(() => softmaxBackward(y, x, 3, 5))).toBeInstanceOf(ShapeError);
  });
  it('rejects a partly overlapping out', () => {
    const buf = new Float32Array(16);
    const a = buf.subarray(0, 12), b = buf.subarray(4, 16);
    expect(String(thrown(() => softmax(a, 3, 4, { out: b })))).toMatch(/opts.out: must not share memory with x/);
  });
  it.skipIf(!native)('the C++ side rechecks (RangeError, no abort)', () => {
    const buf = new Float32Array(16);
    expect(thrown(() => native!.kernels.Softmax(buf.subarray(0, 12), 3, 4, buf.subarray(4, 16), false))).toBeInstanceOf(RangeError);
    expect(thrown(() => native!.kernels.Softmax(x, 3, 5, new Float32Array(15), false))).toBeInstanceOf(RangeError);
  });
});
