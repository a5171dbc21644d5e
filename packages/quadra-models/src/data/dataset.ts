/** Image classification datasets held as uint8 NHWC (channels 1) with uint8 labels. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Generator } from '@quadranet/core';
import { DatasetError } from './errors.js';
import { readIdx } from './idx.js';

export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  h: number;
  w: number;
  c: number;
  classes: number;
}

export interface Dataset {
  name: string;
  train: ImageSet;
  test: ImageSet;
  /** Per-channel normalisation applied after scaling to [0, 1]. */
  mean: number;
  std: number;
  /** Whether horizontal flips are label-preserving. */
  flip: boolean;
  /** Class names by label, where the data set has them. */
  classNames?: string[];
}

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
/** Normalisation (after scaling to [0, 1]) of each data set. */
export const DATASET_NORM = { 'fashion-mnist': { mean: 0.286, std: 0.353 }, synthetic: { mean: 0.1, std: 0.25 } } as const;

function pair(dir: string, prefix: string, classes: number): ImageSet {
  const pick = (base: string) => {
    for (const f of [`${base}.gz`, base]) if (existsSync(join(dir, f))) return join(dir, f);
    throw new DatasetError(`${join(dir, base)}(.gz) not found: install Debian's package (apt-get install dataset-fashion-mnist) or pass --data-dir`);
  };
  const img = readIdx(pick(`${prefix}-images-idx3-ubyte`));
  const lab = readIdx(pick(`${prefix}-labels-idx1-ubyte`));
  if (img.dims.length !== 3) throw new DatasetError(`${prefix} images: expected 3 dimensions (n, h, w), got ${img.dims.length}`);
  if (lab.dims.length !== 1) throw new DatasetError(`${prefix} labels: expected 1 dimension, got ${lab.dims.length}`);
  const [n, h, w] = img.dims;
  if (lab.dims[0] !== n) throw new DatasetError(`${prefix}: ${n} images but ${lab.dims[0]} labels`);
  for (let i = 0; i < n; i++) {
    if (lab.data[i] >= classes) throw new DatasetError(`${prefix} labels: entry ${i} is ${lab.data[i]}, expected 0..${classes - 1}`);
  }
  return { images: img.data, labels: lab.data, n, h, w, c: 1, classes };
}

/** Fashion-MNIST from Debian's dataset-fashion-mnist (IDX files, gzip) or another directory. */
export function loadFashionMnist(dir = FASHION_MNIST_DIR): Dataset {
  return { name: 'fashion-mnist', train: pair(dir, 'train', 10), test: pair(dir, 't10k', 10), ...DATASET_NORM['fashion-mnist'], flip: true, classNames: FASHION_MNIST_CLASSES };
}

/**
 * A synthetic 10-class set (seeded): each class is a bright square at its own position on a noisy
 * background. Learnable in a few steps; for smoke tests and `--dataset synthetic`.
 */
export function syntheticDataset(nTrain = 2048, nTest = 512, size = 28, seed = 0): Dataset {
  const g = new Generator(seed);
  const make = (n: number): ImageSet => {
    const images = new Uint8Array(n * size * size);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const cls = g.int(10);
      labels[i] = cls;
      const cy = 4 + Math.floor(cls / 5) * 12 + g.int(3);
      const cx = 2 + (cls % 5) * 5 + g.int(2);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inside = y >= cy && y < cy + 6 && x >= cx && x < cx + 4;
          images[i * size * size + y * size + x] = Math.min(255, Math.floor((inside ? 200 : 0) + 40 * g.uniform()));
        }
      }
    }
    return { images, labels, n, h: size, w: size, c: 1, classes: 10 };
  };
  return { name: 'synthetic', train: make(nTrain), test: make(nTest), ...DATASET_NORM.synthetic, flip: false };
}
