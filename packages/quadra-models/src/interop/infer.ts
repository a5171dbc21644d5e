/** Inference on PyTorch-layout files: weights and an NCHW `input` in, `logits` out (safetensors). */
import { existsSync } from 'node:fs';
import { ArgumentError, FileFormatError, loadTensors, nchwToNhwc, noGrad, saveTensors, tensor, type Device, type Tensor } from '@quadranet/core';
import { createModel, modelNames } from '../model/zoo.js';
import { readJsonFile } from '../train/architecture-file.js';
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

/**
 * A zoo name, or a JSON file of QuadraNet options (a name ending in .json, or any existing file that
 * is not a zoo name); a bad file is a FileFormatError naming it and what is wrong.
 */
export function modelFrom(spec: string, overrides: Partial<QuadraNetOptions> = {}): QuadraNet {
  const o = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<QuadraNetOptions>;
  if (spec.endsWith('.json') || (!modelNames().includes(spec) && existsSync(spec))) {
    const cfg = readJsonFile(spec, 'model config');
    if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) {
      throw new FileFormatError(`${spec}: expected a JSON object of QuadraNet options (depths, dims, ...), got ${Array.isArray(cfg) ? 'an array' : typeof cfg}`, { file: spec });
    }
    try {
      return new QuadraNet({ stem: PATCH4_STEM, ...(cfg as QuadraNetOptions), ...o });
    } catch (err) {
      throw new FileFormatError(`${spec}: ${err instanceof Error ? err.message : String(err)}`, { file: spec }, { cause: err });
    }
  }
  return createModel(spec, o);
}

/** The StateDictError context when weights do not fit the model. */
export const weightsMismatch = (weights: string, model: string) => `--weights ${weights} does not fit the model ${model}`;

/** Runs the model on the file's `input` (N, C, H, W) and writes `logits` (N, classes); returns the logits. */
export function infer(o: InferOptions): Tensor {
  const device = o.device ?? 'cpu';
  const weights = loadTensors(o.weights);
  if (weights.metadata.format === CHECKPOINT_FORMAT) {
    throw new ArgumentError(`--weights ${o.weights} is a training checkpoint of \`quadra train\`: run it with \`quadra infer --checkpoint ${o.weights} --input ...\` (no --model needed)`);
  }
  const model = modelFrom(o.model, { numClasses: o.numClasses, inChannels: o.inChannels }).eval();
  try {
    loadPyTorchStateDict(model, weights.tensors, { context: weightsMismatch(o.weights, o.model) });
  } catch (err) {
    model.dispose();
    throw err;
  }
  model.to(device);
  const inp = loadTensors(o.input).tensors.get('input');
  if (!inp || inp.ndim !== 4) throw new ArgumentError(`${o.input}: needs a tensor 'input' of shape (N, C, H, W)`);
  const nhwc = nchwToNhwc({ shape: [...inp.shape], data: inp.data() as Float32Array });
  const logits = noGrad(() => model.forward(tensor(nhwc.data, nhwc.shape, { device })));
  saveTensors(o.output, { logits });
  model.dispose();
  return logits;
}
