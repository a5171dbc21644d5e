// The GEMM split (one block of C's columns or rows per kernel thread, each on the provider's
// serial GEMM) against the float64 reference and against the provider's own threading, on shapes
// around the split's thresholds: 2 x 32 rows, 2 x 64 and 2 x 128 columns, 2^18 multiply-adds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { gemm, info, setGemmSplit, setThreads } from '../src/index.js';
import { gemmRef } from '../src/reference/index.js';
import { randomF32, relL2, rng } from './helpers.js';
import { native, SEED } from './targets.js';

const SHAPES: [number, number, number][] = [
  [63, 130, 64], [64, 127, 33], [65, 128, 32], [49, 512, 96], [196, 256, 17], [25, 129, 300],
  [130, 255, 9], [257, 64, 40], [31, 1000, 17], [70, 70, 70], [8, 4096, 16], [300, 3, 600],
];

describe.skipIf(!native)('gemm split across 2 threads', () => {
  let threads = 1;
  beforeAll(() => {
    threads = info().threads;
    setThreads(2);
  });
  afterAll(() => {
    setThreads(threads);
    setGemmSplit(true);
  });

  it('is on by default and reported by info()', () => {
    expect(info().gemmSplit).toBe(true);
    expect(setGemmSplit(false)).toBe(false);
    expect(info().gemmSplit).toBe(false);
    expect(setGemmSplit(true)).toBe(true);
  });

  it('rejects a non-boolean', () => {
    expect(() => setGemmSplit(1 as unknown as boolean)).toThrow(/on must be a boolean/);
  });

  SHAPES.forEach(([m, n, k], i) => {
    const transA = (i & 1) === 1, transB = (i & 2) === 2, beta = i % 3 === 0 ? 0 : 0.5;
    it(`m${m} n${n} k${k}${transA ? ' tA' : ''}${transB ? ' tB' : ''} beta ${beta}`, () => {
      const r = rng(SEED * 31 + i);
      const a = randomF32(r, m * k), b = randomF32(r, k * n), c0 = randomF32(r, m * n);
      const dims = { m, n, k, transA, transB, alpha: 0.75, beta };
      const split = c0.slice(), whole = c0.slice();
      setGemmSplit(true);
      gemm(a, b, split, dims);
      setGemmSplit(false);
      gemm(a, b, whole, dims);
      setGemmSplit(true);
      const ref = new Float64Array(c0);
      gemmRef(a, b, ref, dims);
      expect(relL2(split, ref)).toBeLessThanOrEqual(1e-5);
      expect(relL2(whole, ref)).toBeLessThanOrEqual(1e-5);
    });
  });
});
