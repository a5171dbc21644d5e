// rowScale (drop path's per-sample mask): native vs reference on seeded shapes straddling SIMD
// widths, zero rows stay zero even over non-finite inputs, in place; errors.
import { describe, expect, it } from 'vitest';

import { rowScale, ShapeError } from '../src/index.js';
import { rowScaleRef } from '../src/reference/index.js';
import { randomF32, relL2, rng, thrown } from './helpers.js';
import { native, SEED, SIZES } from './targets.js';

describe(`rowScale native vs reference (seed ${SEED})`, () => {
  const rand = rng(SEED * 37 + 11);
  for (const cols of [...SIZES, 4096]) {
    const rows = 1 + Math.floor(rand() * 17);
    it(`rows ${rows}, cols ${cols}`, () => {
      const x = randomF32(rand, rows * cols);
      const s = Float32Array.from({ length: rows }, () => (rand() < 0.3 ? 0 : 1 / 0.7));
      x[0] = Number.NaN; // a dropped row must not leak it
      s[0] = 0;
      const want = new Float32Array(rows * cols); // float32 products round like the kernel's: exact
      rowScaleRef(x, rows, cols, s, want);
      const out = rowScale(x, rows, cols, s);
      expect(relL2(out, want)).toBe(0);
      expect(out.subarray(0, cols).every((v) => v === 0)).toBe(true);
      rowScale(x, rows, cols, s, x);
      expect(relL2(x, want)).toBe(0);
    });
  }
});

describe('rowScale errors', () => {
  it('typed errors naming the argument', () => {
    expect(thrown(() => rowScale(new Float32Array(6), 2, 3, new Float32Array(3)))).toBeInstanceOf(ShapeError);
    const buf = new Float32Array(8);
    expect(() => rowScale(buf.subarray(0, 6), 2, 3, new Float32Array(2), buf.subarray(2, 8))).toThrow(/^out: must not share memory with x/);
  });
  it.runIf(native)('the raw binding checks again', () => {
    const k = native!.kernels;
    expect(thrown(() => k.RowScale(new Float32Array(6), 2, 3, new Float32Array(3), new Float32Array(6)))).toBeInstanceOf(RangeError);
  });
});
