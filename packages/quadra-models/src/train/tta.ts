/**
 * Test-time augmentation for evaluation. 'flip': the model sees each batch and its horizontal
 * mirror, and the two logit rows are averaged (the loss is the cross-entropy of the average).
 */
import { add, mul, type nn, type Tensor } from '@quadranet/core';
import type { TtaMode } from './recipe-config.js';

/** A copy of an NHWC batch ([n, h, w, c] float32) mirrored left–right. */
export function flipBatch(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      const row = ((i * h + y) * w) * c;
      for (let xx = 0; xx < w; xx++) out.set(x.subarray(row + xx * c, row + xx * c + c), row + (w - 1 - xx) * c);
    }
  }
  return out;
}

/** The logits evaluation scores: the model's, or with 'flip' the mean of the batch's and its mirror's (call inside noGrad and scope). */
export function ttaLogits(model: nn.Module, x: Tensor, raw: Float32Array, shape: readonly number[], tta: TtaMode, toTensor: (data: Float32Array) => Tensor): Tensor {
  const logits = model.forward(x);
  if (tta === 'none') return logits;
  const [n, h, w, c] = shape;
  const mirrored = model.forward(toTensor(flipBatch(raw, n, h, w, c)));
  return mul(add(logits, mirrored), 0.5);
}
