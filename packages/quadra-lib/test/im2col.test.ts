// im2col / col2im (the dense patchify convs' lowering): native vs reference on seeded geometries
// (channel counts straddling SIMD widths, strides, padding, kernels larger than the stride), the
// adjoint identity <im2col(x), c> = <x, col2im(c)>, typed errors and the raw binding's checks.
import { describe, expect, it } from 'vitest';

import { ArgumentError, col2im, DTypeError, im2col, ShapeError, type Conv2dGeom } from '../src/index.js';
import { col2imRef, im2colRef } from '../src/reference/index.js';
import { dot, pick, randomF32, relL2, rng, thrown } from './helpers.js';
import { native, SEED, SIZES } from './targets.js';

function geom(n: number, h: number, w: number, c: number, k: number, stride: number, pad: number): Conv2dGeom {
  const ho = Math.floor((h + 2 * pad - k) / stride) + 1, wo = Math.floor((w + 2 * pad - k) / stride) + 1;
  return { n, h, w, c, kh: k, kw: k, stride, pad, ho, wo };
}
const imageSize = (g: Conv2dGeom) => g.n * g.h * g.w * g.c;
const patchSize = (g: Conv2dGeom) => g.n * g.ho * g.wo * g.kh * g.kw * g.c;

describe(`im2col / col2im native vs reference (seed ${SEED})`, () => {
  const rand = rng(SEED * 29 + 3);
  for (const c of SIZES) {
    const k = pick(rand, [1, 2, 3, 4, 7]), stride = pick(rand, [1, 2, 4]), pad = pick(rand, [0, 1, 3]);
    const n = 1 + Math.floor(rand() * 3), h = k + Math.floor(rand() * 9), w = k + Math.floor(rand() * 9);
    const g = geom(n, h, w, c, k, stride, pad);
    it(`c ${c}, ${h}x${w}, k ${k}, stride ${stride}, pad ${pad}, batch ${n}`, () => {
      const x = randomF32(rand, imageSize(g));
      const want = new Float32Array(patchSize(g));
      im2colRef(x, g, want);
      const cols = im2col(x, g);
      expect(relL2(cols, want)).toBe(0); // copies and zeros: exact
      const up = randomF32(rand, patchSize(g));
      const wantDx = new Float64Array(imageSize(g));
      col2imRef(up, g, wantDx);
      const dx = col2im(up, g, randomF32(rand, imageSize(g))); // stale contents are overwritten
      expect(relL2(dx, wantDx)).toBeLessThanOrEqual(1e-6);
      // col2im is im2col's adjoint.
      expect(Math.abs(dot(cols, up) - dot(x, dx)) / (Math.abs(dot(cols, up)) + 1)).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('im2col / col2im errors', () => {
  const g = geom(1, 4, 4, 3, 2, 2, 0);
  it('typed errors naming the argument', () => {
    expect(thrown(() => im2col(new Float32Array(47), g))).toBeInstanceOf(ShapeError);
    expect(thrown(() => im2col([] as unknown as Float32Array, g))).toBeInstanceOf(DTypeError);
    expect(() => im2col(new Float32Array(48), { ...g, ho: 3 })).toThrow(/^g\.ho: expected .* = 2, got 3/);
    expect(() => im2col(new Float32Array(48), { ...g, pad: -1 })).toThrow(ArgumentError);
    expect(() => im2col(new Float32Array(48), { ...g, kh: 0 })).toThrow(/^g\.kh: expected a positive integer/);
    const buf = new Float32Array(48);
    expect(() => col2im(buf, g, buf)).toThrow(/^out: must not share memory with cols/);
  });
  it.runIf(native)('the raw binding checks again', () => {
    const k = native!.kernels;
    expect(thrown(() => k.Im2Col(new Float32Array(48), { ...g, wo: 5 }, new Float32Array(48)))).toBeInstanceOf(RangeError);
    expect(thrown(() => k.Col2Im(new Float32Array(47), g, new Float32Array(48)))).toBeInstanceOf(RangeError);
    expect(thrown(() => k.Im2Col(new Float32Array(48), null as unknown as Conv2dGeom, new Float32Array(48)))).toBeInstanceOf(TypeError);
  });
});
