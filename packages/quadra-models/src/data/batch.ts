/**
 * Batch preparation: uint8 images → normalised float32 NHWC, with training augmentation (random
 * crop after zero padding, horizontal flip, and random erasing after normalisation). Each batch's randomness comes from its own seed, so a
 * batch is the same wherever and whenever it is made (worker or main thread, before or after resume).
 */
import { Generator } from '@quadranet/core';
import { eraseImage, type RandomErasingOptions } from './random-erasing.js';

export interface BatchSpec {
  /** Indices into the image set. */
  indices: Int32Array;
  /** Augment with this seed; no augmentation when null (evaluation). */
  seed: number | null;
  pad: number;
  flip: boolean;
  /** Random erasing after normalisation (absent or null: none); drawn from its own generator, so crops and flips do not change with it. */
  erase?: RandomErasingOptions | null;
}

/** The erasing generator's seed for a batch seed (a stream apart from the crop/flip one). */
export const eraseSeed = (seed: number): number => (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2f) ^ 0x165667b1) >>> 0;

export interface SetView {
  images: Uint8Array;
  h: number;
  w: number;
  c: number;
  mean: number;
  std: number;
  /** Batch image size when it differs from the set's (--image-size): resampled as inference resamples (box average shrinking, nearest enlarging). */
  out?: [number, number];
}

/** The batch image size [H, W] of a view. */
export const outSize = (set: SetView): [number, number] => set.out ?? [set.h, set.w];

/**
 * Resamples an [h, w, c] image to [H, W, c] with inference's mapping (infer/image.ts): output pixel
 * (y, x) is the mean of source rows floor(yh/H) .. max(+1, ceil((y+1)h/H)) and the same for columns,
 * so enlarging repeats pixels (nearest) and shrinking averages boxes.
 */
export function resampleImage(src: Float32Array, h: number, w: number, c: number, dst: Float32Array, offset: number, H: number, W: number): void {
  for (let oy = 0; oy < H; oy++) {
    const y0 = Math.floor((oy * h) / H);
    const y1 = Math.max(y0 + 1, Math.ceil(((oy + 1) * h) / H));
    for (let ox = 0; ox < W; ox++) {
      const x0 = Math.floor((ox * w) / W);
      const x1 = Math.max(x0 + 1, Math.ceil(((ox + 1) * w) / W));
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += src[(y * w + x) * c + ch];
        dst[offset + (oy * W + ox) * c + ch] = s / ((y1 - y0) * (x1 - x0));
      }
    }
  }
}

/** Writes the batch into `out` ([B, H, W, C] float32, H × W the view's output size). */
export function prepareBatch(set: SetView, spec: BatchSpec, out: Float32Array): void {
  const { h, w, c } = set;
  const px = h * w * c;
  const [H, W] = outSize(set);
  const resized = H !== h || W !== w;
  const scratch = resized ? new Float32Array(px) : null;
  const scale = 1 / (255 * set.std);
  const shift = set.mean / set.std;
  const g = spec.seed === null ? null : new Generator(spec.seed);
  const ge = spec.seed !== null && spec.erase && spec.erase.prob > 0 ? new Generator(eraseSeed(spec.seed)) : null;
  for (let b = 0; b < spec.indices.length; b++) {
    const src = spec.indices[b] * px;
    const dst = resized ? 0 : b * px;
    const target = scratch ?? out;
    let dy = 0;
    let dx = 0;
    let flip = false;
    if (g) {
      dy = g.int(2 * spec.pad + 1) - spec.pad;
      dx = g.int(2 * spec.pad + 1) - spec.pad;
      flip = spec.flip && g.uniform() < 0.5;
    }
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      for (let x = 0; x < w; x++) {
        const sx0 = flip ? w - 1 - x : x;
        const sx = sx0 + dx;
        for (let ch = 0; ch < c; ch++) {
          const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
          const v = inside ? set.images[src + (sy * w + sx) * c + ch] : 0;
          target[dst + (y * w + x) * c + ch] = v * scale - shift;
        }
      }
    }
    if (scratch) resampleImage(scratch, h, w, c, out, b * H * W * c, H, W);
    if (ge) eraseImage(out, b * H * W * c, H, W, c, spec.erase!, ge);
  }
}
