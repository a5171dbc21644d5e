/**
 * Mixup and CutMix on a prepared batch with timm's Mixup semantics (mode 'batch'): with
 * probability `prob` the batch is mixed with itself reversed (sample i with sample N−1−i); when
 * both alphas are set, CutMix is chosen with probability `switchProb`, else the one that is set.
 * λ ~ Beta(α, α). Mixup blends whole images; CutMix pastes one box (side √(1−λ) of the image, centre
 * uniform, clipped at the border) and corrects λ to the unpasted area. Targets are timm's
 * mixup_target: λ·smooth(onehot(y)) + (1−λ)·smooth(onehot(y reversed)), smoothing with off = ε/C,
 * on = 1 − ε + off, so label smoothing combines as timm combines it.
 */
import { ArgumentError, type Generator } from '@quadranet/core';
import beta from '@stdlib/random-base-beta';

export interface MixupOptions {
  /** Beta α for mixup (0: off). */
  mixupAlpha: number;
  /** Beta α for CutMix (0: off). */
  cutmixAlpha: number;
  /** Probability that a batch is mixed at all. */
  prob: number;
  /** Probability of CutMix rather than mixup when both are on. */
  switchProb: number;
  /** Label smoothing ε folded into the targets. */
  labelSmoothing: number;
  numClasses: number;
}

export interface MixResult {
  /** [N, classes] soft targets, row-major. */
  targets: Float32Array;
  /** The weight of each sample's own label (1 when the batch was not mixed). */
  lam: number;
  mode: 'none' | 'mixup' | 'cutmix';
  /** CutMix's pasted box [top, bottom) × [left, right). */
  box?: { top: number; bottom: number; left: number; right: number };
}

export const mixupEnabled = (o: Pick<MixupOptions, 'mixupAlpha' | 'cutmixAlpha'>): boolean => o.mixupAlpha > 0 || o.cutmixAlpha > 0;

/** Checks the options, naming the CLI flag of a bad one. */
export function checkMixup(o: Omit<MixupOptions, 'numClasses' | 'labelSmoothing'>): void {
  if (!(Number.isFinite(o.mixupAlpha) && o.mixupAlpha >= 0)) throw new ArgumentError(`--mixup must be a Beta alpha >= 0 (0: off), got ${o.mixupAlpha}`);
  if (!(Number.isFinite(o.cutmixAlpha) && o.cutmixAlpha >= 0)) throw new ArgumentError(`--cutmix must be a Beta alpha >= 0 (0: off), got ${o.cutmixAlpha}`);
  if (!(o.prob >= 0 && o.prob <= 1)) throw new ArgumentError(`--mixup-prob must be in [0, 1], got ${o.prob}`);
  if (!(o.switchProb >= 0 && o.switchProb <= 1)) throw new ArgumentError(`--mixup-switch-prob must be in [0, 1], got ${o.switchProb}`);
}

/** timm's mixup_target: λ·smooth(onehot(y)) + (1−λ)·smooth(onehot(reversed y)). */
export function mixupTargets(labels: Int32Array, numClasses: number, lam: number, smoothing: number): Float32Array {
  const n = labels.length;
  const off = smoothing / numClasses;
  const on = 1 - smoothing + off;
  const out = new Float32Array(n * numClasses).fill(off);
  for (let i = 0; i < n; i++) {
    out[i * numClasses + labels[i]] += lam * (on - off);
    out[i * numClasses + labels[n - 1 - i]] += (1 - lam) * (on - off);
  }
  return out;
}

/** A Beta(α, α) draw whose uniforms come from `g`. */
function sampleBeta(alpha: number, g: Generator): number {
  return beta.factory(alpha, alpha, { prng: () => g.uniform() })();
}

/**
 * Mixes `x` ([N, H, W, C] float32, NHWC) in place and returns the soft targets. Every random draw
 * comes from `g`, so a batch mixes the same way for the same seed.
 */
export function mixBatch(x: Float32Array, labels: Int32Array, shape: readonly [number, number, number], o: MixupOptions, g: Generator): MixResult {
  const n = labels.length;
  const [h, w, c] = shape;
  const px = h * w * c;
  if (x.length !== n * px) throw new ArgumentError(`mixBatch: x has ${x.length} values, expected ${n} images of ${h}×${w}×${c}`);
  let lam = 1;
  let cutmix = false;
  if (mixupEnabled(o) && g.uniform() < o.prob) {
    if (o.mixupAlpha > 0 && o.cutmixAlpha > 0) {
      cutmix = g.uniform() < o.switchProb;
      lam = sampleBeta(cutmix ? o.cutmixAlpha : o.mixupAlpha, g);
    } else if (o.mixupAlpha > 0) {
      lam = sampleBeta(o.mixupAlpha, g);
    } else {
      cutmix = true;
      lam = sampleBeta(o.cutmixAlpha, g);
    }
  }
  if (lam === 1) return { targets: mixupTargets(labels, o.numClasses, 1, o.labelSmoothing), lam: 1, mode: 'none' };
  const src = x.slice();
  if (!cutmix) {
    for (let i = 0; i < n; i++) {
      const a = i * px;
      const b = (n - 1 - i) * px;
      for (let k = 0; k < px; k++) x[a + k] = lam * src[a + k] + (1 - lam) * src[b + k];
    }
    return { targets: mixupTargets(labels, o.numClasses, lam, o.labelSmoothing), lam, mode: 'mixup' };
  }
  // timm's rand_bbox (no margin) with correct_lam
  const ratio = Math.sqrt(1 - lam);
  const cutH = Math.floor(h * ratio);
  const cutW = Math.floor(w * ratio);
  const cy = g.int(h);
  const cx = g.int(w);
  const clip = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  const box = { top: clip(cy - Math.floor(cutH / 2), h), bottom: clip(cy + Math.floor(cutH / 2), h), left: clip(cx - Math.floor(cutW / 2), w), right: clip(cx + Math.floor(cutW / 2), w) };
  for (let i = 0; i < n; i++) {
    const a = i * px;
    const b = (n - 1 - i) * px;
    for (let y = box.top; y < box.bottom; y++) {
      const row = (y * w + box.left) * c;
      const len = (box.right - box.left) * c;
      x.set(src.subarray(b + row, b + row + len), a + row);
    }
  }
  const corrected = 1 - ((box.bottom - box.top) * (box.right - box.left)) / (h * w);
  return { targets: mixupTargets(labels, o.numClasses, corrected, o.labelSmoothing), lam: corrected, mode: 'cutmix', box };
}
