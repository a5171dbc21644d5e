// copyWindow (pad / concat forward, slice reverse): native vs reference, exact, on every SIMD
// target over random 1-5 axis shapes and windows; error cases.
import { describe, expect, it } from 'vitest';

import { ArgumentError, copyWindow, ShapeError } from '../src/index.js';
import { copyWindowRef } from '../src/reference/index.js';
import { rng, thrown } from './helpers.js';
import { firstMismatch, iota, randomShape, sizeOf } from './shapes.js';
import { forEachTarget, native, SEED } from './targets.js';

/** A random window of `big`: per axis the full axis (often) or a random part, and its offsets. */
function randomWindow(rand: () => number, big: number[]): { small: number[]; offsets: number[] } {
  const small: number[] = [], offsets: number[] = [];
  for (const d of big) {
    const len = rand() < 0.4 ? d : 1 + Math.floor(rand() * d);
    small.push(len);
    offsets.push(Math.floor(rand() * (d - len + 1)));
  }
  return { small, offsets };
}

forEachTarget('copyWindow native vs reference', (target, ti) => {
  const rand = rng(SEED * 7 + ti);
  for (let nd = 1; nd <= 5; nd++) {
    it(`${nd} axes: forward (into a filled buffer) and reverse`, () => {
      for (let i = 0; i < (ti === 0 ? 40 : 10); i++) {
        const big = randomShape(rand, nd);
        const { small, offsets } = randomWindow(rand, big);
        const x = iota(sizeOf(small));
        const fill = iota(sizeOf(big)).map((v) => -v - 1);
        const want = fill.slice();
        copyWindowRef(x, small, want, big, offsets, false);
        const got = copyWindow(x, small, fill.slice(), big, offsets);
        expect(firstMismatch(got, want), `forward ${small} into ${big} at ${offsets}`).toBe(-1);

        const src = iota(sizeOf(big));
        const wantR = new Float32Array(sizeOf(small));
        copyWindowRef(src, big, wantR, small, offsets, true);
        expect(firstMismatch(copyWindow(src, big, undefined, small, offsets, true), wantR), `reverse ${small} from ${big} at ${offsets}`).toBe(-1);
      }
    });
  }
  it.runIf(ti === 0)('pad [8, 56, 56, 64] by 3 and crop it back', () => {
    const x = iota(8 * 56 * 56 * 64);
    const p = copyWindow(x, [8, 56, 56, 64], undefined, [8, 62, 62, 64], [0, 3, 3, 0]);
    const want = new Float32Array(p.length);
    copyWindowRef(x, [8, 56, 56, 64], want, [8, 62, 62, 64], [0, 3, 3, 0], false);
    expect(firstMismatch(p, want)).toBe(-1);
    expect(firstMismatch(copyWindow(p, [8, 62, 62, 64], undefined, [8, 56, 56, 64], [0, 3, 3, 0], true), x)).toBe(-1);
  });
});

describe('copyWindow errors', () => {
  const x = iota(6);
  it('names the bad argument', () => {
    expect(String(thrown(() => copyWindow(x, [2, 3], undefined, [4, 3], [3, 0])))).toMatch(/offsets\[0\]/);
    expect(thrown(() => copyWindow(x, [2, 3], undefined, [4, 3], [3, 0]))).toBeInstanceOf(ShapeError);
    expect(thrown(() => copyWindow(x, [2, 3], undefined, [4, 3], [-1, 0]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => copyWindow(x, [2, 3], undefined, [4, 3, 1], [0, 0]))).toBeInstanceOf(ShapeError);
    expect(thrown(() => copyWindow(x, [2, 3], new Float32Array(11), [4, 3], [0, 0]))).toBeInstanceOf(ShapeError);
    expect(String(thrown(() => copyWindow(x, [6], x, [6], [0])))).toMatch(/out: must not share memory with x/);
    // reverse: the window (outShape) must fit in x's shape
    expect(thrown(() => copyWindow(x, [2, 3], undefined, [3, 3], [0, 0], true))).toBeInstanceOf(ShapeError);
  });
  it.skipIf(!native)('the C++ side rechecks (RangeError, no abort)', () => {
    const e = thrown(() => native!.kernels.CopyWindow(x, [2, 3], new Float32Array(12), [4, 3], [3, 0], false));
    expect(e).toBeInstanceOf(RangeError);
    expect(String(e)).toMatch(/offsets\[0\]/);
  });
  it('empty windows are no-ops', () => {
    const out = Float32Array.of(1, 2, 3);
    expect(Array.from(copyWindow(new Float32Array(0), [0], out, [3], [3]))).toEqual([1, 2, 3]);
  });
});
