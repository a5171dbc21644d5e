// reduceSum over arbitrary axes: native vs the float64 reference on every SIMD target, every
// subset of axes of random 1-5 axis shapes, kept-inner and reduced-inner layouts, a long full
// reduction; error cases.
import { describe, expect, it } from 'vitest';

import { ArgumentError, reduceSum, ShapeError } from '../src/index.js';
import { reduceSumRef } from '../src/reference/index.js';
import { randomF32, relL2, rng, thrown } from './helpers.js';
import { randomShape, sizeOf } from './shapes.js';
import { forEachTarget, native, SEED } from './targets.js';

const TOL = 1e-5;

function check(rand: () => number, shape: number[], axes: number[]): void {
  const x = randomF32(rand, sizeOf(shape)).map((v) => v + 0.25);
  const kept = shape.reduce((p, d, i) => (axes.includes(i) ? p : p * d), 1);
  const want = new Float64Array(kept);
  reduceSumRef(x, shape, axes, want);
  expect(relL2(reduceSum(x, shape, axes), want), `shape ${shape} axes ${axes}`).toBeLessThanOrEqual(TOL);
}

forEachTarget('reduceSum native vs reference', (target, ti) => {
  const rand = rng(SEED * 23 + ti);
  for (let nd = 1; nd <= 5; nd++) {
    it(`${nd} axes, every subset of axes`, () => {
      for (let i = 0; i < (ti === 0 ? 4 : 1); i++) {
        const shape = randomShape(rand, nd);
        for (let mask = 0; mask < 1 << nd; mask++) {
          const axes = shape.map((_, d) => d).filter((d) => mask & (1 << d));
          check(rand, shape, rand() < 0.5 ? axes : axes.reverse());
        }
      }
    });
  }
  it.runIf(ti === 0)('NHWC global pooling, per-channel sums, a full reduction of 1.6M elements', () => {
    check(rand, [8, 56, 56, 64], [1, 2]);
    check(rand, [8, 56, 56, 64], [0, 1, 2]);
    check(rand, [8, 56, 56, 64], [3]);
    check(rand, [8, 56, 56, 64], [0, 1, 2, 3]);
    check(rand, [2, 5000, 3], [1]);
  });
});

describe('reduceSum errors', () => {
  const x = new Float32Array(12);
  it('names the bad argument', () => {
    expect(String(thrown(() => reduceSum(x, [3, 4], [2])))).toMatch(/axes\[0\]/);
    expect(thrown(() => reduceSum(x, [3, 4], [1, 1]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => reduceSum(x, [3, 5], [1]))).toBeInstanceOf(ShapeError);
    expect(thrown(() => reduceSum(x, [3, 4], [1], new Float32Array(4)))).toBeInstanceOf(ShapeError);
    expect(String(thrown(() => reduceSum(x, [3, 4], [1], x.subarray(0, 3))))).toMatch(/out: must not share memory with x/);
  });
  it.skipIf(!native)('the C++ side rechecks (RangeError, no abort)', () => {
    expect(thrown(() => native!.kernels.ReduceSum(x, [3, 4], [0, 0], new Float32Array(4)))).toBeInstanceOf(RangeError);
    expect(thrown(() => native!.kernels.ReduceSum(x, [3, 4], [5], new Float32Array(4)))).toBeInstanceOf(RangeError);
  });
  it('empty reductions give zeros', () => {
    expect(Array.from(reduceSum(new Float32Array(0), [3, 0], [1]))).toEqual([0, 0, 0]);
  });
});
