/** Default search spaces: a small one for Fashion-MNIST (searches fit a 2-core CPU) and a 224×224 ImageNet-style one. */
import { SPACE_FORMAT, type CandidateSet, type SearchSpace } from './schema.js';

/** The paper's candidates: QuadraBlock with k ∈ {3, 5, 7} × expansion ∈ {2, 4}, or skip. */
export const PAPER_CANDIDATES: CandidateSet = { kernelSizes: [3, 5, 7], expansions: [2, 4], skip: true };

/** 28×28×1, patchify-2 stem to 14×14, three stages (16, 32, 64 channels at 14², 7², 3²), two searchable layers each. */
export const FASHION_MNIST_SPACE: SearchSpace = {
  format: SPACE_FORMAT,
  name: 'fashion-mnist-small',
  input: { height: 28, width: 28, channels: 1 },
  batch: 32,
  stem: { kernel: 2, stride: 2, padding: 0 },
  downsample: { kernel: 2, stride: 2 },
  stages: [{ width: 16, depth: 2 }, { width: 32, depth: 2 }, { width: 64, depth: 2 }],
  head: { numClasses: 10 },
  candidates: PAPER_CANDIDATES,
};

/** 224×224×3, patchify-4 stem, QuadraNet-XS-like widths [32, 64, 128, 256] and depths [2, 2, 6, 2], batch 1. */
export const IMAGENET_224_SPACE: SearchSpace = {
  format: SPACE_FORMAT,
  name: 'imagenet-224',
  input: { height: 224, width: 224, channels: 3 },
  batch: 1,
  stem: { kernel: 4, stride: 4, padding: 0 },
  downsample: { kernel: 2, stride: 2 },
  stages: [{ width: 32, depth: 2 }, { width: 64, depth: 2 }, { width: 128, depth: 6 }, { width: 256, depth: 2 }],
  head: { numClasses: 1000 },
  candidates: PAPER_CANDIDATES,
};

export const DEFAULT_SPACES: Record<string, SearchSpace> = { 'fashion-mnist': FASHION_MNIST_SPACE, 'imagenet-224': IMAGENET_224_SPACE };
