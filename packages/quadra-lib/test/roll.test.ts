// roll: native vs reference, exact, on every SIMD target; shifts of both signs and beyond the
// axis length; error cases.
import { describe, expect, it } from 'vitest';

import { ArgumentError, roll, ShapeError } from '../src/index.js';
import { rollRef } from '../src/reference/index.js';
import { rng, thrown } from './helpers.js';
import { firstMismatch, iota, randomShape, sizeOf } from './shapes.js';
import { forEachTarget, native, SEED } from './targets.js';

function check(shape: number[], shifts: number[]): void {
  const x = iota(sizeOf(shape));
  const want = new Float32Array(x.length);
  rollRef(x, shape, shifts, want);
  expect(firstMismatch(roll(x, shape, shifts), want), `shape ${shape} shifts ${shifts}`).toBe(-1);
}

forEachTarget('roll native vs reference', (target, ti) => {
  const rand = rng(SEED * 11 + ti);
  for (let nd = 1; nd <= 5; nd++) {
    it(`${nd} axes, random shifts (some zero)`, () => {
      for (let i = 0; i < (ti === 0 ? 40 : 10); i++) {
        const shape = randomShape(rand, nd);
        const shifts = shape.map((d) => (rand() < 0.4 ? 0 : Math.floor((rand() * 2 - 1) * 2.5 * d)));
        check(shape, shifts);
      }
    });
  }
  it.runIf(ti === 0)('Swin shift [8, 56, 56, 64] by -3, -3 and back', () => {
    check([8, 56, 56, 64], [0, -3, -3, 0]);
    check([8, 56, 56, 64], [0, 3, 3, 0]);
    check([8, 56, 56, 64], [0, 0, 0, 0]);
  });
});

describe('roll errors', () => {
  const x = iota(6);
  it('names the bad argument', () => {
    expect(thrown(() => roll(x, [2, 3], [1]))).toBeInstanceOf(ShapeError);
    expect(String(thrown(() => roll(x, [2, 3], [1, 0.5])))).toMatch(/shifts\[1\]/);
    expect(thrown(() => roll(x, [2, 3], [1, 0.5]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => roll(x, [2, 4], [1, 0]))).toBeInstanceOf(ShapeError);
    expect(String(thrown(() => roll(x, [6], [1], x)))).toMatch(/out: must not share memory with x/);
  });
  it.skipIf(!native)('the C++ side rechecks (RangeError, no abort)', () => {
    expect(thrown(() => native!.kernels.Roll(x, [2, 3], [1], new Float32Array(6)))).toBeInstanceOf(RangeError);
    expect(thrown(() => native!.kernels.Roll(x, [6], [1], x))).toBeInstanceOf(RangeError);
  });
});
