/** The α split: a class-balanced, seeded held-out part of the training set (ProxylessNAS trains α on it, the weights on the rest). */
import { ArgumentError, Generator } from '@quadranet/core';
import { subsetImages, type ImageSet } from '@quadranet/models';

/**
 * Holds out round(fraction · n_c) images of every class c (chosen by `seed`) for α; the rest, in
 * their original order, stay for the weights.
 */
export function balancedSplit(set: ImageSet, fraction: number, seed: number): { weights: ImageSet; alpha: ImageSet } {
  if (!(fraction > 0 && fraction < 1)) throw new ArgumentError(`--alpha-split must be in (0, 1), got ${fraction}`);
  const byClass: number[][] = Array.from({ length: set.classes }, () => []);
  for (let i = 0; i < set.n; i++) byClass[set.labels[i]].push(i);
  const g = new Generator(seed);
  const held = new Uint8Array(set.n);
  for (const idx of byClass) {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = g.int(i + 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const k = Math.round(idx.length * fraction);
    for (let i = 0; i < k; i++) held[idx[i]] = 1;
  }
  const alpha: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < set.n; i++) (held[i] ? alpha : weights).push(i);
  if (alpha.length === 0 || weights.length === 0) throw new ArgumentError(`--alpha-split ${fraction} of ${set.n} images leaves ${alpha.length} for α and ${weights.length} for the weights; both need at least one`);
  return { weights: subsetImages(set, weights), alpha: subsetImages(set, alpha) };
}
