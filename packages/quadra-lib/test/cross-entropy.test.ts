// Fused label-smoothed cross-entropy: native vs reference (loss and probabilities, then the
// gradient) on seeded [rows, classes] straddling SIMD widths, with and without smoothing; errors.
import { describe, expect, it } from 'vitest';

import { ArgumentError, crossEntropy, crossEntropyBackward, DTypeError, ShapeError } from '../src/index.js';
import { crossEntropyBackwardRef, crossEntropyRef } from '../src/reference/index.js';
import { randomF32, relL2, rng, thrown } from './helpers.js';
import { native, SEED, SIZES } from './targets.js';

describe(`crossEntropy native vs reference (seed ${SEED})`, () => {
  const rand = rng(SEED * 31 + 5);
  for (const cols of [...SIZES, 1000]) {
    for (const smoothing of [0, 0.1]) {
      const rows = 1 + Math.floor(rand() * 40);
      it(`rows ${rows}, classes ${cols}, smoothing ${smoothing}`, () => {
        const logits = randomF32(rand, rows * cols, 8);
        const labels = Int32Array.from({ length: rows }, () => Math.floor(rand() * cols));
        const wantProbs = new Float64Array(rows * cols);
        const wantLoss = crossEntropyRef(Float64Array.from(logits), rows, cols, labels, smoothing, wantProbs);
        const { loss, probs } = crossEntropy(logits, rows, cols, labels, { smoothing });
        expect(Math.abs(loss - wantLoss) / Math.max(1, Math.abs(wantLoss))).toBeLessThanOrEqual(1e-5);
        expect(relL2(probs, wantProbs)).toBeLessThanOrEqual(1e-5);
        const wantDx = new Float64Array(rows * cols);
        crossEntropyBackwardRef(wantProbs, rows, cols, labels, smoothing, 1 / rows, wantDx);
        expect(relL2(crossEntropyBackward(probs, rows, cols, labels, { smoothing }), wantDx)).toBeLessThanOrEqual(1e-5);
        // In place: probs may be the logits, dx may be probs.
        const inPlace = logits.slice();
        expect(crossEntropy(inPlace, rows, cols, labels, { smoothing, probs: inPlace }).loss).toBeCloseTo(loss, 5);
        crossEntropyBackward(inPlace, rows, cols, labels, { smoothing, out: inPlace });
        expect(relL2(inPlace, wantDx)).toBeLessThanOrEqual(1e-5);
      });
    }
  }
});

describe('crossEntropy errors', () => {
  it('typed errors naming the argument', () => {
    const x = new Float32Array(6);
    expect(thrown(() => crossEntropy(x, 2, 3, Int32Array.of(0)))).toBeInstanceOf(ShapeError);
    expect(thrown(() => crossEntropy(x, 2, 3, [0, 1] as unknown as Int32Array))).toBeInstanceOf(DTypeError);
    expect(() => crossEntropy(x, 2, 3, Int32Array.of(0, 3))).toThrow(/^labels\[1\]: expected a class in \[0, 2\], got 3/);
    expect(thrown(() => crossEntropy(x, 2, 3, Int32Array.of(0, 1), { smoothing: 2 }))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => crossEntropyBackward(x, 2, 3, Int32Array.of(0, 1), { scale: NaN }))).toBeInstanceOf(ArgumentError);
  });
  it.runIf(native)('the raw binding checks again', () => {
    const k = native!.kernels;
    const x = new Float32Array(6);
    expect(thrown(() => k.CrossEntropy(x, 2, 3, Int32Array.of(0, -1), 0, new Float32Array(6)))).toBeInstanceOf(RangeError);
    expect(thrown(() => k.CrossEntropy(x, 2, 3, Int32Array.of(0), 0, new Float32Array(6)))).toBeInstanceOf(RangeError);
    expect(thrown(() => k.CrossEntropy(x, 2, 3, Int32Array.of(0, 1), 1.5, new Float32Array(6)))).toBeInstanceOf(RangeError);
    expect(thrown(() => k.CrossEntropyGrad(x, 2, 3, Int32Array.of(0, 1), 0, 1, x.subarray(1, 7) as Float32Array))).toBeInstanceOf(RangeError);
  });
});
