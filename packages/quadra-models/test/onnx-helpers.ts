/** Runs ONNX bytes in onnxruntime-node (CPU, one thread) and compares with our forward. */
import * as q from '@quadranet/core';
import * as ort from 'onnxruntime-node';
import type { QuadraNet } from '../src/index.js';

/** Seeded NCHW input values. */
export function nchwInput(shape: [number, number, number, number], seed: number): Float32Array {
  const g = new q.Generator(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.normal());
}

/** onnxruntime's `logits` for an NCHW `input`. */
export async function runOnnx(bytes: Uint8Array, x: Float32Array, shape: number[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await s.run({ input: new ort.Tensor('float32', x, shape) });
    const l = out.logits;
    return { data: l.data as Float32Array, dims: l.dims };
  } finally {
    await s.release();
  }
}

/** Our logits for the same NCHW input (as `quadra infer` computes them: NHWC, eval, no grad). */
export function ourLogits(model: QuadraNet, x: Float32Array, shape: [number, number, number, number]): Float32Array {
  const nhwc = q.nchwToNhwc({ shape, data: x });
  return q.noGrad(() => q.scope(() => Float32Array.from(model.forward(q.tensor(nhwc.data, nhwc.shape)).data())));
}
