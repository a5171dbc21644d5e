/** `quadra infer --checkpoint`: a training checkpoint and an input file in, top-k classes (and logits) out. */
import { noGrad, requireDevice, saveTensors, tensor, type Device } from '@quadranet/core';
import type { ModelSpec } from '../train/model-spec.js';
import { loadCheckpointModel } from './checkpoint-model.js';
import { loadModelInput, type ModelInput } from './inputs.js';
import { topK, type ClassScore } from './top-k.js';

export interface PredictOptions {
  checkpoint: string;
  input: string;
  /** safetensors file to write `logits` (N, classes) into. */
  output?: string;
  /** Classes to report per image (default 5). */
  topK?: number;
  device?: Device;
}

export interface Prediction {
  spec: ModelSpec;
  inputKind: ModelInput['kind'];
  /** NHWC shape that was fed to the model. */
  inputShape: number[];
  /** Logits, row-major (N, classes). */
  logits: Float32Array;
  top: ClassScore[][];
}

export function predict(o: PredictOptions): Prediction {
  const device = o.device ?? 'cpu';
  requireDevice(device);
  const k = o.topK ?? 5;
  topK([], 1, k); // validates k before any file is read
  const { model, spec } = loadCheckpointModel(o.checkpoint, device);
  try {
    const input = loadModelInput(o.input, spec);
    const logits = noGrad(() => model.forward(tensor(input.data, input.shape, { device })));
    try {
      if (o.output) saveTensors(o.output, { logits });
      const data = Float32Array.from(logits.dataSync());
      const classes = logits.shape[1];
      return { spec, inputKind: input.kind, inputShape: input.shape, logits: data, top: topK(data, classes, k, spec.classNames) };
    } finally {
      logits.dispose();
    }
  } finally {
    model.dispose();
  }
}
