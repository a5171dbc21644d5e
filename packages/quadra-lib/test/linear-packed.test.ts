// The packed linear layer (inference): packLinear + linearPacked against the float64 reference
// (linear, then GELU, then the residual) on seeded shapes straddling the SIMD widths and oneDNN's
// 16 x 64 weight blocks, with and without bias, GELU and residual, on 1 and 2 threads; and the
// argument checks of the checked functions and of the raw binding.
import { afterAll, describe, expect, it } from 'vitest';

import { linearPacked, linearPackedLength, packLinear, setThreads, type LinearAct } from '../src/index.js';
import { linearPackedRef } from '../src/reference/index.js';
import { pick, randomF32, relL2, rng } from './helpers.js';
import { native, SEED, SIZES } from './targets.js';

const WIDE = [...SIZES, 128, 129, 255, 256, 1000] as const;

describe.skipIf(!native)('linearPacked native vs reference', () => {
  afterAll(() => setThreads(0));
  for (const threads of [1, 2]) {
    describe(`${threads} thread(s)`, () => {
      const rand = rng(SEED * 211 + threads);
      for (let i = 0; i < 24; i++) {
        const rows = pick(rand, WIDE), inF = pick(rand, WIDE), outF = pick(rand, WIDE);
        const act: LinearAct = i % 2 ? 'gelu' : 'none';
        const withBias = i % 3 !== 2, withResidual = i % 4 >= 2;
        it(`rows ${rows} in ${inF} out ${outF} ${act}${withBias ? ' bias' : ''}${withResidual ? ' residual' : ''}`, () => {
          setThreads(threads);
          const r = rng(SEED + i * 7919 + threads);
          const dims = { rows, inFeatures: inF, outFeatures: outF };
          const x = randomF32(r, rows * inF), w = randomF32(r, outF * inF, 1 / Math.sqrt(inF));
          const bias = withBias ? randomF32(r, outF) : undefined;
          const residual = withResidual ? randomF32(r, rows * outF) : undefined;
          const packed = packLinear(w, dims);
          expect(packed.length).toBe(linearPackedLength(dims));
          const y = linearPacked(x, packed, bias, dims, { act, ...(residual ? { residual } : {}) });
          const ref = new Float64Array(rows * outF);
          linearPackedRef(x, w, bias, dims, act, residual, ref);
          expect(relL2(y, ref)).toBeLessThanOrEqual(1e-5);
          // The same packed weights serve any number of rows.
          const x1 = x.subarray(0, inF);
          const y1 = linearPacked(x1, packed, bias, { ...dims, rows: 1 }, { act });
          const ref1 = new Float64Array(outF);
          linearPackedRef(x1, w, bias, { ...dims, rows: 1 }, act, undefined, ref1);
          expect(relL2(y1, ref1)).toBeLessThanOrEqual(1e-5);
        });
      }
    });
  }

  it('writes into opts.out and rejects bad arguments with typed errors naming them', () => {
    const dims = { rows: 3, inFeatures: 5, outFeatures: 7 };
    const w = new Float32Array(35).fill(0.1), x = new Float32Array(15).fill(1);
    const packed = packLinear(w, dims);
    const out = new Float32Array(21);
    expect(linearPacked(x, packed, undefined, dims, { out })).toBe(out);
    expect(out[0]).toBeCloseTo(0.5, 5);
    expect(() => packLinear(new Float32Array(34), dims)).toThrow(/w: expected .*35/);
    expect(() => linearPacked(x, new Float32Array(3), undefined, dims)).toThrow(/packed: expected/);
    expect(() => linearPacked(x, packed, undefined, dims, { act: 'relu' as LinearAct })).toThrow(/opts\.act: expected 'none' or 'gelu'/);
    expect(() => linearPacked(x, packed, undefined, dims, { residual: new Float32Array(20) })).toThrow(/opts\.residual/);
    expect(() => linearPacked(x, packed, undefined, dims, { out: x.subarray(0, 21 > x.length ? x.length : 21) })).toThrow(/opts\.out/);
    expect(() => linearPacked(x, packed, undefined, dims, { residual: out, out })).toThrow(/opts\.out.*opts\.residual|must not/);
    expect(() => linearPackedLength({ rows: 1, inFeatures: 0, outFeatures: 3 })).toThrow(/dims\.inFeatures/);
  });

  it('raw binding: checks every argument and never aborts', () => {
    const k = native!.kernels;
    const d = { rows: 2, inFeatures: 3, outFeatures: 4 };
    const n = k.LinearPackedLength(d);
    expect(n).toBeGreaterThanOrEqual(12);
    const packed = new Float32Array(n);
    k.LinearPack(new Float32Array(12), d, packed);
    const x = new Float32Array(6), y = new Float32Array(8);
    expect(() => k.LinearPacked(x, packed, null, y, d, 'tanh' as LinearAct, null)).toThrow(/act/);
    expect(() => k.LinearPacked(x, new Float32Array(n - 1), null, y, d, 'none', null)).toThrow(/packed/);
    expect(() => k.LinearPacked(x, packed, null, y, d, 'none', new Float32Array(7))).toThrow(/residual/);
    expect(() => k.LinearPacked(x, packed, null, y, d, 'none', y)).toThrow(/residual/);
    expect(() => k.LinearPack(new Float32Array(12), d, new Float32Array(n + 1))).toThrow(/packed/);
    expect(() => k.LinearPackedLength({ rows: 1, inFeatures: -1, outFeatures: 2 })).toThrow(/inFeatures/);
  });
});
