// Permute: native vs reference (exact: pure data movement) on every SIMD target, for every
// permutation of up to 4 axes, random 5-axis cases and the Swin attention layouts; error cases.
import { describe, expect, it } from 'vitest';

import { ArgumentError, DTypeError, permute, ShapeError } from '../src/index.js';
import { permuteRef } from '../src/reference/index.js';
import { pick, rng, thrown } from './helpers.js';
import { firstMismatch, iota, permutations, randomPerm, randomShape, sizeOf } from './shapes.js';
import { forEachTarget, native, SEED, SIZES } from './targets.js';

function check(shape: number[], perm: number[]): void {
  const n = sizeOf(shape);
  const x = iota(n);
  const want = new Float32Array(n);
  permuteRef(x, shape, perm, want);
  const got = permute(x, shape, perm);
  expect(firstMismatch(got, want), `shape ${shape} perm ${perm}`).toBe(-1);
}

forEachTarget('permute native vs reference', (target, ti) => {
  const rand = rng(SEED * 5 + ti);
  for (let nd = 0; nd <= 4; nd++) {
    it(`every permutation of ${nd} axes, last axis across SIMD widths`, () => {
      for (const perm of permutations(nd)) {
        for (const last of ti === 0 ? SIZES : [1, 8, 17]) check(randomShape(rand, nd, last), perm);
      }
    });
  }
  it('random 5-axis shapes and permutations, with unit axes', () => {
    for (let i = 0; i < (ti === 0 ? 60 : 15); i++) {
      const shape = randomShape(rand, 5);
      if (rand() < 0.3) shape[Math.floor(rand() * 5)] = 1;
      check(shape, randomPerm(rand, 5));
    }
  });
  it.runIf(ti === 0)('Swin layouts: [512, 7, 7, 2, 32] head split, qkv split, k transpose; big 2-D transpose', () => {
    check([512, 7, 7, 2, 32], [0, 3, 1, 2, 4]);
    check([64, 49, 3, 2, 32], [2, 0, 3, 1, 4]);
    check([128, 49, 32], [0, 2, 1]);
    check([pick(rand, [129, 300]), 257], [1, 0]);
    check([2, 3, 1, 4, 1, 5, 2, 3], [7, 6, 5, 4, 3, 2, 1, 0]);
  });
});

describe('permute errors', () => {
  const x = iota(24);
  it('names the bad argument', () => {
    expect(thrown(() => permute(x, [2, 3, 4], [0, 0, 1]))).toBeInstanceOf(ArgumentError);
    expect(String(thrown(() => permute(x, [2, 3, 4], [0, 1, 3])))).toMatch(/perm/);
    expect(thrown(() => permute(x, [2, 3, 4], [0, 1]))).toBeInstanceOf(ShapeError);
    expect(thrown(() => permute(x, [2, 3, 5], [0, 1, 2]))).toBeInstanceOf(ShapeError);
    expect(String(thrown(() => permute(x, [2, -3, 4], [0, 1, 2])))).toMatch(/shape\[1\]/);
    expect(thrown(() => permute(x, [1, 1, 1, 1, 1, 1, 1, 1, 24], [0, 1, 2, 3, 4, 5, 6, 7, 8]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => permute(new Float64Array(24) as unknown as Float32Array, [24], [0]))).toBeInstanceOf(DTypeError);
    expect(String(thrown(() => permute(x, [24], [0], x)))).toMatch(/out: must not share memory with x/);
    expect(String(thrown(() => permute(x, [24], [0], new Float32Array(23))))).toMatch(/out/);
  });
  it.skipIf(!native)('the C++ side rechecks (RangeError, no abort)', () => {
    const e = thrown(() => native!.kernels.Permute(x, [2, 3, 4], [0, 2, 2], new Float32Array(24)));
    expect(e).toBeInstanceOf(RangeError);
    expect(String(e)).toMatch(/perm/);
    expect(thrown(() => native!.kernels.Permute(x, [2, 3, 4], [0, 1, 9], new Float32Array(24)))).toBeInstanceOf(RangeError);
    expect(thrown(() => native!.kernels.Permute(x, [24], [0], x))).toBeInstanceOf(RangeError);
  });
  it('empty and 0-d tensors', () => {
    expect(permute(new Float32Array(0), [3, 0, 2], [2, 1, 0]).length).toBe(0);
    expect(Array.from(permute(Float32Array.of(5), [], []))).toEqual([5]);
  });
});
