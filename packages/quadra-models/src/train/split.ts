/** The validation split: a fraction of the training set held out by a seeded permutation. */
import { ArgumentError } from '@quadranet/core';
import { permutation } from '../data/loader.js';
import type { ImageSet } from '../data/dataset.js';

/** The images of `set` at `indices`, in that order (a copy). */
export function subsetImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const px = set.h * set.w * set.c;
  const images = new Uint8Array(indices.length * px);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    images.set(set.images.subarray(j * px, (j + 1) * px), i * px);
    labels[i] = set.labels[j];
  }
  return { ...set, n: indices.length, images, labels };
}

/**
 * Splits `set` into training and validation images: round(n * fraction) images chosen by `seed`
 * go to validation, the rest (in their original order) stay for training. The same seed gives the
 * same split on every run, so a resumed run validates on the same images.
 */
export function splitValidation(set: ImageSet, fraction: number, seed: number): { train: ImageSet; val: ImageSet } {
  const k = Math.round(set.n * fraction);
  if (k < 1 || k >= set.n) {
    throw new ArgumentError(`--val-split ${fraction} of ${set.n} training images leaves ${k} for validation and ${set.n - k} for training; both need at least one`);
  }
  const order = permutation(set.n, seed);
  const val = order.slice(0, k).sort();
  const held = new Uint8Array(set.n);
  for (const j of val) held[j] = 1;
  const train = Int32Array.from({ length: set.n - k }, () => 0);
  let t = 0;
  for (let j = 0; j < set.n; j++) if (!held[j]) train[t++] = j;
  return { train: subsetImages(set, train), val: subsetImages(set, val) };
}
