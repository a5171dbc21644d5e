/**
 * The PyTorch vectors committed with this package (test/fixtures/pytorch, made by make_vectors.py)
 * and how they are compared: the models and CLI tests share them (they are not in the npm package).
 */
import { fileURLToPath } from 'node:url';
import { loadTensors, type Tensor } from '@quadranet/core';
import { join } from 'node:path';

/** The folder of the vectors (config.json, weights/input/logits .safetensors) in this repository. */
export const PYTORCH_VECTORS = fileURLToPath(new URL('../../test/fixtures/pytorch/', import.meta.url));

/** Relative L2 error of a against the reference b. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0, d = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i] - b[i]) ** 2;
    d += b[i] ** 2;
  }
  return Math.sqrt(n / d);
}

/** The logits PyTorch computed for the committed weights and input. */
export function pytorchLogits(): Tensor {
  return loadTensors(join(PYTORCH_VECTORS, 'logits.safetensors')).tensors.get('logits')!;
}
