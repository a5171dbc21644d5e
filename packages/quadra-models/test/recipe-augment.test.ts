/** Random erasing, mixup/CutMix and flip TTA on batches: what each does to the pixels and the targets, deterministic by seed. */
import * as q from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { checkErasing, eraseImage, flipBatch, imageToInput, mixBatch, mixupTargets, prepareBatch, type MixupOptions, type RandomErasingOptions } from '../src/index.js';

const ERASE: RandomErasingOptions = { prob: 1, minArea: 0.02, maxArea: 1 / 3, minAspect: 0.3, maxAspect: 1 / 0.3, mode: 'const', count: 1 };

/** The bounding box of the entries of an [h, w, c] image that differ from `ref` (null when none). */
function changedBox(a: Float32Array, ref: Float32Array, h: number, w: number, c: number) {
  let top = h, bottom = -1, left = w, right = -1, n = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
    if (a[(y * w + x) * c + ch] !== ref[(y * w + x) * c + ch]) {
      n++;
      top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x);
    }
  }
  return n === 0 ? null : { top, bottom: bottom + 1, left, right: right + 1, n };
}

describe('random erasing', () => {
  it("prob 1, 'const': one zero rectangle whose area and aspect lie in the ranges; the rest untouched", () => {
    const [h, w, c] = [28, 28, 1];
    for (let seed = 1; seed <= 30; seed++) {
      const img = new Float32Array(h * w * c).fill(0.5);
      const n = eraseImage(img, 0, h, w, c, ERASE, new q.Generator(seed));
      const box = changedBox(img, new Float32Array(h * w * c).fill(0.5), h, w, c);
      if (n === 0) continue; // every try may miss (timm's 10 attempts)
      expect(n).toBe(1);
      const bh = box!.bottom - box!.top;
      const bw = box!.right - box!.left;
      expect(box!.n).toBe(bh * bw); // a full rectangle, all zeros
      for (let y = box!.top; y < box!.bottom; y++) for (let x = box!.left; x < box!.right; x++) expect(img[y * w + x]).toBe(0);
      // rounding of sqrt(area·ratio) moves each side by at most 0.5
      expect((bh + 1) * (bw + 1)).toBeGreaterThanOrEqual(0.02 * h * w);
      expect(Math.max(0, bh - 1) * Math.max(0, bw - 1)).toBeLessThanOrEqual((h * w) / 3);
      expect((bh + 0.5) / Math.max(0.5, bw - 0.5)).toBeGreaterThanOrEqual(0.3 * 0.5);
    }
  });

  it('prob 0 never erases; the same seed erases the same pixels; pixel mode fills standard normals, rand one value per channel', () => {
    const [h, w, c] = [16, 12, 3];
    const base = Float32Array.from({ length: h * w * c }, (_, i) => (i % 7) / 7);
    const a = base.slice();
    expect(eraseImage(a, 0, h, w, c, { ...ERASE, prob: 0 }, new q.Generator(5))).toBe(0);
    expect(a).toEqual(base);
    const p1 = base.slice();
    const p2 = base.slice();
    eraseImage(p1, 0, h, w, c, { ...ERASE, mode: 'pixel' }, new q.Generator(9));
    eraseImage(p2, 0, h, w, c, { ...ERASE, mode: 'pixel' }, new q.Generator(9));
    expect(p1).toEqual(p2);
    const box = changedBox(p1, base, h, w, c)!;
    const vals = new Set<number>();
    for (let y = box.top; y < box.bottom; y++) for (let x = box.left; x < box.right; x++) for (let ch = 0; ch < c; ch++) vals.add(p1[(y * w + x) * c + ch]);
    expect(vals.size).toBeGreaterThan(c); // per-pixel values
    const r = base.slice();
    eraseImage(r, 0, h, w, c, { ...ERASE, mode: 'rand' }, new q.Generator(9));
    const rb = changedBox(r, base, h, w, c)!;
    for (let ch = 0; ch < c; ch++) {
      const first = r[(rb.top * w + rb.left) * c + ch];
      for (let y = rb.top; y < rb.bottom; y++) for (let x = rb.left; x < rb.right; x++) expect(r[(y * w + x) * c + ch]).toBe(first);
    }
  });

  it('count n erases between 1 and n rectangles, the image offset is respected', () => {
    const [h, w, c] = [20, 20, 1];
    const seen = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const buf = new Float32Array(2 * h * w).fill(1);
      const n = eraseImage(buf, h * w, h, w, c, { ...ERASE, count: 3, maxArea: 0.1 }, new q.Generator(seed));
      seen.add(n);
      expect(buf.subarray(0, h * w).every((v) => v === 1)).toBe(true);
    }
    expect([...seen].every((n) => n >= 1 && n <= 3)).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('in prepareBatch: applied after normalisation from its own stream (crops and flips as without it); absent and prob 0 agree', () => {
    const h = 8, w = 8, c = 1;
    const set = { images: Uint8Array.from({ length: 4 * h * w }, (_, i) => (i * 37) % 256), h, w, c, mean: 0.3, std: 0.4 };
    const spec = { indices: Int32Array.from([0, 1, 2, 3]), seed: 77, pad: 2, flip: true };
    const plain = new Float32Array(4 * h * w);
    prepareBatch(set, spec, plain);
    const zero = new Float32Array(4 * h * w);
    prepareBatch(set, { ...spec, erase: { ...ERASE, prob: 0 } }, zero);
    expect(zero).toEqual(plain);
    const erased = new Float32Array(4 * h * w);
    prepareBatch(set, { ...spec, erase: { ...ERASE, maxArea: 0.3 } }, erased);
    let rects = 0;
    for (let b = 0; b < 4; b++) {
      const box = changedBox(erased.subarray(b * h * w, (b + 1) * h * w), plain.subarray(b * h * w, (b + 1) * h * w), h, w, c);
      if (box) {
        rects++;
        for (let y = box.top; y < box.bottom; y++) for (let x = box.left; x < box.right; x++) expect(erased[b * h * w + y * w + x]).toBe(0);
      }
    }
    expect(rects).toBeGreaterThan(0);
  });

  it('bad options name their flag', () => {
    expect(() => checkErasing({ ...ERASE, prob: 2 })).toThrow(/--reprob must be in \[0, 1\], got 2/);
    expect(() => checkErasing({ ...ERASE, minArea: 0.5, maxArea: 0.1 })).toThrow(/--re-area/);
    expect(() => checkErasing({ ...ERASE, mode: 'x' as never })).toThrow(/--remode must be one of pixel, rand, const/);
  });
});

const MIX: MixupOptions = { mixupAlpha: 0.8, cutmixAlpha: 1, prob: 1, switchProb: 0.5, labelSmoothing: 0.1, numClasses: 4 };

function batch(n: number, h: number, w: number, c: number): Float32Array {
  return Float32Array.from({ length: n * h * w * c }, (_, i) => Math.sin(i * 0.37) + Math.floor(i / (h * w * c)));
}

describe('mixup and CutMix', () => {
  it('mixupTargets: λ·smooth(onehot(y)) + (1−λ)·smooth(onehot(reversed y)), timm off = ε/C, on = 1 − ε + off', () => {
    const t = mixupTargets(Int32Array.from([0, 2, 3]), 4, 0.7, 0.1);
    const off = 0.025;
    const on = 0.925;
    const row = (y1: number, y2: number) => [0, 1, 2, 3].map((k) => 0.7 * (k === y1 ? on : off) + 0.3 * (k === y2 ? on : off));
    const want = [...row(0, 3), ...row(2, 2), ...row(3, 0)];
    want.forEach((v, i) => expect(t[i]).toBeCloseTo(v, 6));
    for (let i = 0; i < 3; i++) expect(t.subarray(i * 4, i * 4 + 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('mixup (switchProb 0): each image is λ·itself + (1−λ)·its reversed partner, and the targets carry the same λ', () => {
    const [n, h, w, c] = [4, 5, 6, 2];
    const x = batch(n, h, w, c);
    const orig = x.slice();
    const labels = Int32Array.from([0, 1, 2, 3]);
    const r = mixBatch(x, labels, [h, w, c], { ...MIX, switchProb: 0 }, new q.Generator(3));
    expect(r.mode).toBe('mixup');
    expect(r.lam).toBeGreaterThan(0);
    expect(r.lam).toBeLessThan(1);
    const px = h * w * c;
    for (let i = 0; i < n; i++) for (const k of [0, 17, px - 1]) expect(x[i * px + k]).toBeCloseTo(r.lam * orig[i * px + k] + (1 - r.lam) * orig[(n - 1 - i) * px + k], 5);
    expect(Array.from(r.targets)).toEqual(Array.from(mixupTargets(labels, 4, r.lam, 0.1)));
  });

  it("CutMix (switchProb 1): the box comes from the reversed partner, the rest is untouched, λ is the unpasted area's share", () => {
    const [n, h, w, c] = [3, 10, 12, 1];
    for (let seed = 0; seed < 10; seed++) {
      const x = batch(n, h, w, c);
      const orig = x.slice();
      const r = mixBatch(x, Int32Array.from([1, 2, 3]), [h, w, c], { ...MIX, switchProb: 1 }, new q.Generator(seed));
      if (r.mode === 'none') continue;
      expect(r.mode).toBe('cutmix');
      const b = r.box!;
      expect(r.lam).toBeCloseTo(1 - ((b.bottom - b.top) * (b.right - b.left)) / (h * w), 12);
      const px = h * w * c;
      for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
        const inside = y >= b.top && y < b.bottom && xx >= b.left && xx < b.right;
        expect(x[i * px + y * w + xx]).toBe(orig[(inside ? n - 1 - i : i) * px + y * w + xx]);
      }
    }
  });

  it('prob 0 or both alphas 0 leave the batch alone (targets: the smoothed one-hots); the same seed mixes the same way', () => {
    const [n, h, w, c] = [4, 4, 4, 1];
    for (const o of [{ ...MIX, prob: 0 }, { ...MIX, mixupAlpha: 0, cutmixAlpha: 0 }]) {
      const x = batch(n, h, w, c);
      const r = mixBatch(x, Int32Array.from([0, 1, 2, 3]), [h, w, c], o, new q.Generator(1));
      expect(r.mode).toBe('none');
      expect(x).toEqual(batch(n, h, w, c));
      expect(r.targets[0]).toBeCloseTo(0.925, 6);
    }
    const a = batch(n, h, w, c);
    const b = batch(n, h, w, c);
    const ra = mixBatch(a, Int32Array.from([0, 1, 2, 3]), [h, w, c], MIX, new q.Generator(42));
    const rb = mixBatch(b, Int32Array.from([0, 1, 2, 3]), [h, w, c], MIX, new q.Generator(42));
    expect(a).toEqual(b);
    expect(ra).toEqual(rb);
  });

  it('switchProb 0.5 picks both kinds over seeds; λ ~ Beta(α, α) has mean near 1/2', () => {
    const kinds = new Set<string>();
    let sum = 0;
    const N = 400;
    for (let seed = 0; seed < N; seed++) {
      const r = mixBatch(batch(2, 4, 4, 1), Int32Array.from([0, 1]), [4, 4, 1], { ...MIX, cutmixAlpha: 0 }, new q.Generator(seed));
      sum += r.lam;
      kinds.add(mixBatch(batch(2, 4, 4, 1), Int32Array.from([0, 1]), [4, 4, 1], MIX, new q.Generator(seed)).mode);
    }
    expect(kinds).toEqual(new Set(['mixup', 'cutmix']));
    expect(Math.abs(sum / N - 0.5)).toBeLessThan(0.05);
  });
});

describe('--image-size resampling', () => {
  it('a 2× batch repeats each pixel of the native batch (same crops and flips); erasing then works at the new size', () => {
    const h = 6, w = 6, c = 1;
    const set = { images: Uint8Array.from({ length: 2 * h * w }, (_, i) => (i * 53) % 256), h, w, c, mean: 0.2, std: 0.3 };
    const spec = { indices: Int32Array.from([1, 0]), seed: 11, pad: 1, flip: true };
    const native = new Float32Array(2 * h * w);
    prepareBatch(set, spec, native);
    const big = new Float32Array(2 * 12 * 12);
    prepareBatch({ ...set, out: [12, 12] }, spec, big);
    for (let b = 0; b < 2; b++) for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) {
      expect(big[b * 144 + y * 12 + x]).toBe(native[b * 36 + (y >> 1) * 6 + (x >> 1)]);
    }
    const erased = new Float32Array(2 * 12 * 12);
    prepareBatch({ ...set, out: [12, 12] }, { ...spec, erase: ERASE }, erased);
    expect(erased.some((v, i) => v === 0 && big[i] !== 0)).toBe(true);
  });

  it('resamples exactly as inference resizes an image file (shrinking averages boxes)', () => {
    const h = 9, w = 7;
    const pixels = Uint8Array.from({ length: h * w }, (_, i) => (i * 29) % 256);
    const set = { images: pixels, h, w, c: 1, mean: 0.25, std: 0.5 };
    for (const out of [[4, 3], [18, 14], [5, 11]] as [number, number][]) {
      const batch = new Float32Array(out[0] * out[1]);
      prepareBatch({ ...set, out }, { indices: Int32Array.from([0]), seed: null, pad: 0, flip: false }, batch);
      const rgba = new Uint8Array(h * w * 4);
      pixels.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
      const inferred = imageToInput({ width: w, height: h, data: rgba }, { input: [out[0], out[1], 1], mean: [0.25], std: [0.5] });
      batch.forEach((v, i) => expect(v).toBeCloseTo(inferred[i], 4));
    }
  });
});

describe('flip TTA', () => {
  it('flipBatch mirrors each row of each image, keeping channels together; twice is the identity', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // [1, 2, 3, 2]
    expect(Array.from(flipBatch(x, 1, 2, 3, 2))).toEqual([5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8]);
    const y = batch(3, 5, 7, 2);
    expect(flipBatch(flipBatch(y, 3, 5, 7, 2), 3, 5, 7, 2)).toEqual(y);
  });
});
