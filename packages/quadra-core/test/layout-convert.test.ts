// Layout converters between PyTorch (NCHW, OIHW) and ours (NHWC, HWC).
import { ShapeError } from '@quadranet/lib';
import { describe, expect, it } from 'vitest';
import {
  depthwiseOihwToHwc,
  hwcToDepthwiseOihw,
  nchwToNhwc,
  nhwcToNchw,
  ohwiToOihw,
  oihwToOhwi,
} from '../src/io/index.js';
import { mulberry32, testSeed } from './fixtures/io-helpers.js';
import { randomTensors } from './safetensors-helpers.js';

const rand = mulberry32(testSeed('layout-convert.test'));
const randomTensor = randomTensors('layout-convert.test:tensors');

describe('layout converters', () => {
  it('nchwToNhwc: hand-checked example', () => {
    // N=1, C=2, H=2, W=3: channel 0 holds 0..5, channel 1 holds 10..15
    const x = { shape: [1, 2, 2, 3], data: Float32Array.of(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15) };
    const y = nchwToNhwc(x);
    expect(y.shape).toEqual([1, 2, 3, 2]);
    expect(Array.from(y.data)).toEqual([0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15]);
    expect(nhwcToNchw(y)).toEqual({ shape: [1, 2, 2, 3], data: x.data });
  });

  it('oihwToOhwi: hand-checked example and element-wise definition', () => {
    // O=2, I=2, kh=1, kw=2: w[o][i][0][x] = 100o + 10i + x
    const w = { shape: [2, 2, 1, 2], data: Float32Array.of(0, 1, 10, 11, 100, 101, 110, 111) };
    const ours = oihwToOhwi(w);
    expect(ours.shape).toEqual([2, 1, 2, 2]);
    expect(Array.from(ours.data)).toEqual([0, 10, 1, 11, 100, 110, 101, 111]);
    const [O, I, KH, KW] = [3, 5, 2, 3];
    const big = randomTensor([O, I, KH, KW]);
    const r = oihwToOhwi(big);
    for (let o = 0; o < O; o++)
      for (let i = 0; i < I; i++)
        for (let y = 0; y < KH; y++)
          for (let x = 0; x < KW; x++) {
            expect(r.data[((o * KH + y) * KW + x) * I + i]).toBe(big.data[((o * I + i) * KH + y) * KW + x]);
          }
  });

  it('depthwiseOihwToHwc: hand-checked example', () => {
    // C=3, k=2: w[c][0][y][x] = 10c + 2y + x
    const w = { shape: [3, 1, 2, 2], data: Float32Array.of(0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23) };
    const ours = depthwiseOihwToHwc(w);
    expect(ours.shape).toEqual([2, 2, 3]);
    expect(Array.from(ours.data)).toEqual([0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23]);
    expect(hwcToDepthwiseOihw(ours)).toEqual({ shape: [3, 1, 2, 2], data: w.data });
  });

  it('round trips on random shapes, including size-1 and size-0 dims', () => {
    for (let t = 0; t < 40; t++) {
      const dim = () => [0, 1, 1, 2, 3, 7, 8, 9][Math.floor(rand() * 8)];
      const s4 = [dim(), dim(), dim(), dim()];
      const x = randomTensor(s4);
      expect(nhwcToNchw(nchwToNhwc(x))).toEqual(x);
      expect(nchwToNhwc(nhwcToNchw(x))).toEqual(x);
      expect(ohwiToOihw(oihwToOhwi(x))).toEqual(x);
      const dw = randomTensor([s4[0], 1, s4[2], s4[3]]);
      expect(hwcToDepthwiseOihw(depthwiseOihwToHwc(dw))).toEqual(dw);
      const hwc = randomTensor([s4[1], s4[2], s4[3]]);
      expect(depthwiseOihwToHwc(hwcToDepthwiseOihw(hwc))).toEqual(hwc);
    }
  });

  it('return new arrays and leave the input alone', () => {
    const x = randomTensor([1, 1, 1, 4]);
    const copy = x.data.slice();
    const y = nchwToNhwc(x);
    expect(y.data).not.toBe(x.data);
    y.data[0] = 99;
    expect(x.data).toEqual(copy);
  });

  it('reject wrong ranks, lengths and depthwise shapes with ShapeError', () => {
    expect(() => nchwToNhwc({ shape: [2, 3], data: new Float32Array(6) })).toThrow(/nchwToNhwc: expected a rank-4 tensor \[N, C, H, W\], got shape \[2, 3\]/);
    expect(() => oihwToOhwi({ shape: [2, 2, 1, 1], data: new Float32Array(3) })).toThrow(ShapeError);
    expect(() => ohwiToOihw({ shape: [2, 2, 1, -1], data: new Float32Array(0) })).toThrow(ShapeError);
    expect(() => depthwiseOihwToHwc({ shape: [4, 2, 3, 3], data: new Float32Array(72) })).toThrow(/\[C, 1, kh, kw\]/);
    expect(() => hwcToDepthwiseOihw({ shape: [3, 3, 1, 4], data: new Float32Array(36) })).toThrow(ShapeError);
  });
});
