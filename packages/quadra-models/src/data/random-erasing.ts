/**
 * Random erasing (Zhong et al. 2017) with timm's RandomErasing semantics, applied to a normalised
 * image: with probability `prob`, 1..count rectangles (count drawn uniformly when above 1), each of
 * area uniform in [minArea, maxArea] × H·W / count and aspect ratio log-uniform in
 * [minAspect, maxAspect] (up to 10 tries to fit), are filled with per-pixel standard normals
 * ('pixel'), one normal per channel ('rand') or zeros ('const', the mean after normalisation).
 */
import { ArgumentError, type Generator } from '@quadranet/core';

export type EraseMode = 'pixel' | 'rand' | 'const';

export interface RandomErasingOptions {
  /** Probability that an image is erased at all. */
  prob: number;
  /** Area range as fractions of the image (timm: 0.02, 1/3). */
  minArea: number;
  maxArea: number;
  /** Aspect ratio (h/w) range, sampled log-uniformly (timm: 0.3, 1/0.3). */
  minAspect: number;
  maxAspect: number;
  mode: EraseMode;
  /** Most rectangles per erased image (timm's max_count; at least one). */
  count: number;
}

export const ERASE_MODES: readonly EraseMode[] = ['pixel', 'rand', 'const'];

/** Checks the options, naming the CLI flag of a bad one. */
export function checkErasing(o: RandomErasingOptions): RandomErasingOptions {
  if (!(o.prob >= 0 && o.prob <= 1)) throw new ArgumentError(`--reprob must be in [0, 1], got ${o.prob}`);
  if (!(o.minArea > 0 && o.minArea <= o.maxArea && o.maxArea <= 1)) throw new ArgumentError(`--re-area must be two fractions 0 < min <= max <= 1, got ${o.minArea},${o.maxArea}`);
  if (!(o.minAspect > 0 && o.minAspect <= o.maxAspect && Number.isFinite(o.maxAspect))) throw new ArgumentError(`--re-aspect must be two ratios 0 < min <= max, got ${o.minAspect},${o.maxAspect}`);
  if (!ERASE_MODES.includes(o.mode)) throw new ArgumentError(`--remode must be one of ${ERASE_MODES.join(', ')}, got ${o.mode}`);
  if (!Number.isInteger(o.count) || o.count < 1) throw new ArgumentError(`--recount must be a positive integer, got ${o.count}`);
  return o;
}

/**
 * Erases rectangles of one [H, W, C] image stored at `img[offset ..]` in place; returns the number
 * of rectangles written. All randomness comes from `g`.
 */
export function eraseImage(img: Float32Array, offset: number, h: number, w: number, c: number, o: RandomErasingOptions, g: Generator): number {
  if (g.uniform() >= o.prob) return 0;
  const area = h * w;
  const count = o.count === 1 ? 1 : 1 + g.int(o.count);
  const logLo = Math.log(o.minAspect);
  const logHi = Math.log(o.maxAspect);
  let written = 0;
  for (let n = 0; n < count; n++) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = ((o.minArea + (o.maxArea - o.minArea) * g.uniform()) * area) / count;
      const aspect = Math.exp(logLo + (logHi - logLo) * g.uniform());
      const eh = Math.round(Math.sqrt(target * aspect));
      const ew = Math.round(Math.sqrt(target / aspect));
      if (!(ew < w && eh < h)) continue;
      const top = g.int(h - eh + 1);
      const left = g.int(w - ew + 1);
      const colour = o.mode === 'rand' ? Array.from({ length: c }, () => g.normal()) : null;
      for (let y = top; y < top + eh; y++) {
        for (let x = left; x < left + ew; x++) {
          const base = offset + (y * w + x) * c;
          for (let ch = 0; ch < c; ch++) img[base + ch] = o.mode === 'pixel' ? g.normal() : colour ? colour[ch] : 0;
        }
      }
      written++;
      break;
    }
  }
  return written;
}
