/** Inference on PyTorch-layout files: weights and an NCHW `input` in, `logits` out (safetensors). */
import { readFileSync } from 'node:fs';
import { ArgumentError, loadTensors, nchwToNhwc, noGrad, saveTensors, tensor, type Device, type Tensor } from '@quadranet/core';
import { createModel } from '../model/zoo.js';
import { PATCH4_STEM, QuadraNet, type QuadraNetOptions } from '../model/quadranet.js';
import { CHECKPOINT_FORMAT } from '../train/checkpoint.js';
import { loadPyTorchStateDict } from './pytorch.js';

export interface InferOptions {
  /** A zoo name, or a JSON file with QuadraNet options (depths, dims, kernelSizes, stem, ...). */
  model: string;
  numClasses?: number;
  inChannels?: number;
  weights: string;
  input: string;
  output: string;
  /** Where to run (default cpu); the logits file is written from a host copy either way. */
  device?: Device;
}

export function modelFrom(spec: string, overrides: Partial<QuadraNetOptions> = {}): QuadraNet {
  const o = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<QuadraNetOptions>;
  if (spec.endsWith('.json')) {
    const cfg = JSON.parse(readFileSync(spec, 'utf8')) as QuadraNetOptions;
    return new QuadraNet({ stem: PATCH4_STEM, ...cfg, ...o });
  }
  return createModel(spec, o);
}

/** Runs the model on the file's `input` (N, C, H, W) and writes `logits` (N, classes); returns the logits. */
export function infer(o: InferOptions): Tensor {
  const device = o.device ?? 'cpu';
  const weights = loadTensors(o.weights);
  if (weights.metadata.format === CHECKPOINT_FORMAT) {
    throw new ArgumentError(`--weights ${o.weights} is a training checkpoint of \`quadra train\`: run it with \`quadra infer --checkpoint ${o.weights} --input ...\` (no --model needed)`);
  }
  const model = modelFrom(o.model, { numClasses: o.numClasses, inChannels: o.inChannels }).eval();
  loadPyTorchStateDict(model, weights.tensors);
  model.to(device);
  const inp = loadTensors(o.input).tensors.get('input');
  if (!inp || inp.ndim !== 4) throw new ArgumentError(`${o.input}: needs a tensor 'input' of shape (N, C, H, W)`);
  const nhwc = nchwToNhwc({ shape: [...inp.shape], data: inp.data() as Float32Array });
  const logits = noGrad(() => model.forward(tensor(nhwc.data, nhwc.shape, { device })));
  saveTensors(o.output, { logits });
  model.dispose();
  return logits;
}
