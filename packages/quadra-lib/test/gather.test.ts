// gather and its scatter-add backward: native vs reference on every SIMD target, with repeated
// indices (added in index order: the results match the reference exactly); error cases.
import { describe, expect, it } from 'vitest';

import { ArgumentError, gather, scatterAdd, ShapeError } from '../src/index.js';
import { gatherRef, scatterAddRef } from '../src/reference/index.js';
import { randomF32, rng, thrown } from './helpers.js';
import { firstMismatch, randomShape, sizeOf } from './shapes.js';
import { forEachTarget, native, SEED } from './targets.js';

function check(r: () => number, shape: number[], axis: number, m: number): void {
  const n = shape[axis];
  const idx = Int32Array.from({ length: m }, () => Math.floor(r() * n));
  const x = randomF32(r, sizeOf(shape));
  const small = shape.map((d, i) => (i === axis ? m : d));
  const want = new Float32Array(sizeOf(small));
  gatherRef(x, shape, axis, idx, want);
  expect(firstMismatch(gather(x, shape, axis, idx), want), `gather ${shape} axis ${axis} m ${m}`).toBe(-1);

  const dy = randomF32(r, sizeOf(small));
  const dx0 = randomF32(r, sizeOf(shape));
  const wantDx = dx0.slice();
  scatterAddRef(dy, shape, axis, idx, wantDx);
  const dx = dx0.slice();
  expect(scatterAdd(dy, shape, axis, Array.from(idx), dx)).toBe(dx);
  expect(firstMismatch(dx, wantDx), `scatterAdd ${shape} axis ${axis} m ${m}`).toBe(-1);
}

forEachTarget('gather native vs reference', (target, ti) => {
  const rand = rng(SEED * 13 + ti);
  for (let nd = 1; nd <= 5; nd++) {
    it(`${nd} axes, every axis, repeated indices`, () => {
      for (let i = 0; i < (ti === 0 ? 12 : 4); i++) {
        const shape = randomShape(rand, nd);
        for (let axis = 0; axis < nd; axis++) check(rand, shape, axis, Math.floor(rand() * 2 * shape[axis]) + 1);
      }
    });
  }
  it.runIf(ti === 0)('relative-position bias lookup [169, 4] -> [2401, 4] and a wide table [13, 4096] (threads over columns)', () => {
    check(rand, [169, 4], 0, 2401);
    check(rand, [13, 4096], 0, 300);
    check(rand, [64, 100, 33], 1, 57);
  });
});

describe('gather errors', () => {
  const x = randomF32(rng(1), 12);
  it('names the bad argument', () => {
    expect(String(thrown(() => gather(x, [3, 4], 0, [0, 3])))).toMatch(/indices\[1\]/);
    expect(thrown(() => gather(x, [3, 4], 0, [0, -1]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => gather(x, [3, 4], 2, [0]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => gather(x, [3, 5], 0, [0]))).toBeInstanceOf(ShapeError);
    expect(thrown(() => gather(x, [3, 4], 0, [0], new Float32Array(5)))).toBeInstanceOf(ShapeError);
    expect(String(thrown(() => gather(x, [12], 0, [0], x.subarray(0, 1))))).toMatch(/out: must not share memory with x/);
    expect(thrown(() => scatterAdd(new Float32Array(4), [3, 4], 0, [1], new Float32Array(11)))).toBeInstanceOf(ShapeError);
  });
  it.skipIf(!native)('the C++ side rechecks indices (RangeError, no abort)', () => {
    const e = thrown(() => native!.kernels.Gather(x, [3, 4], 0, Int32Array.of(0, 7), new Float32Array(8), false));
    expect(e).toBeInstanceOf(RangeError);
    expect(String(e)).toMatch(/indices\[1\]/);
    expect(thrown(() => native!.kernels.Gather(new Float32Array(8), [3, 4], 0, Int32Array.of(0, -2), new Float32Array(12), true))).toBeInstanceOf(RangeError);
  });
});
