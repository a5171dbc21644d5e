/**
 * `quadra export --onnx`: a training checkpoint, or a zoo name / config JSON with PyTorch-layout
 * weights, written as an ONNX model file (atomically). The input size comes from the checkpoint's
 * spec or the weights' `quadranet.preprocess` metadata (as `quadra export --pytorch` writes it),
 * else `size`, else 224×224; the preprocessing travels as metadata_props.
 */
import { ArgumentError, loadTensors, writeFileAtomic } from '@quadranet/core';
import { loadCheckpointModel } from '../infer/checkpoint-model.js';
import type { QuadraNet, QuadraNetOptions } from '../model/quadranet.js';
import { CHECKPOINT_FORMAT } from '../train/checkpoint.js';
import { modelFrom, weightsMismatch } from './infer.js';
import { encodeModel } from './onnx-graph.js';
import { quadraNetToOnnx } from './onnx-model.js';
import { loadPyTorchStateDict } from './pytorch.js';

export interface OnnxExportOptions {
  /** A `quadra train` checkpoint; or `model` with `weights`. */
  checkpoint?: string;
  /** A zoo name or a JSON file of QuadraNet options. */
  model?: string;
  /** PyTorch-layout safetensors for `model`. */
  weights?: string;
  /** With `model`: the head's classes and the input channels (as `quadra infer`). */
  numClasses?: number;
  inChannels?: number;
  out: string;
  opset?: number;
  batch?: number | 'dynamic';
  /** Input [height, width]; overrides the size the checkpoint or weights carry. */
  size?: [number, number];
}

export interface OnnxExportResult {
  onnx: string;
  params: number;
  opset: number;
  /** [N, C, H, W] with N a number or 'N' (dynamic). */
  input: (number | string)[];
  classes: number;
  bytes: number;
}

interface Source {
  model: QuadraNet;
  size?: [number, number];
  metadata: Record<string, string>;
}

function fromCheckpoint(file: string): Source {
  const { model, spec } = loadCheckpointModel(file);
  const preprocess = JSON.stringify({ name: spec.name, input: spec.input, normalize: spec.normalize, classNames: spec.classNames });
  return { model, size: [spec.input[0], spec.input[1]], metadata: { 'quadranet.preprocess': preprocess } };
}

function fromWeights(spec: string, file: string, overrides: Partial<QuadraNetOptions>): Source {
  const { tensors, metadata } = loadTensors(file);
  if (metadata.format === CHECKPOINT_FORMAT) {
    throw new ArgumentError(`--weights ${file} is a training checkpoint of \`quadra train\`: export it with --checkpoint ${file} (no --model needed)`);
  }
  const model = modelFrom(spec, overrides).eval();
  try {
    loadPyTorchStateDict(model, tensors, { context: weightsMismatch(file, spec) });
  } catch (err) {
    model.dispose();
    throw err;
  }
  const pre = metadata['quadranet.preprocess'];
  let size: [number, number] | undefined;
  if (pre) {
    const input = (JSON.parse(pre) as { input?: unknown }).input;
    if (Array.isArray(input) && input.length === 3) size = [Number(input[0]), Number(input[1])];
  }
  return { model, size, metadata: pre ? { 'quadranet.preprocess': pre } : {} };
}

/** Builds, encodes and writes the ONNX file; throws ArgumentError / ExportError / StateDictError naming what failed. */
export function exportOnnx(o: OnnxExportOptions): OnnxExportResult {
  const hasCkpt = o.checkpoint !== undefined;
  if (hasCkpt && (o.numClasses !== undefined || o.inChannels !== undefined)) {
    throw new ArgumentError('ONNX export: a checkpoint carries its classes and input channels; they apply only to a model with weights');
  }
  if (hasCkpt === (o.model !== undefined || o.weights !== undefined)) {
    throw new ArgumentError('ONNX export needs either a checkpoint, or a model with its weights (not both)');
  }
  if (!hasCkpt && (o.model === undefined || o.weights === undefined)) {
    throw new ArgumentError(`ONNX export: ${o.model === undefined ? 'weights need a model (zoo name or config.json)' : `model ${o.model} needs its weights`}`);
  }
  const src = hasCkpt ? fromCheckpoint(o.checkpoint!) : fromWeights(o.model!, o.weights!, { numClasses: o.numClasses, inChannels: o.inChannels });
  try {
    const [height, width] = o.size ?? src.size ?? [224, 224];
    const opset = o.opset ?? 17;
    const proto = quadraNetToOnnx(src.model, { height, width, batch: o.batch, opset, metadata: src.metadata });
    const bytes = encodeModel(proto);
    writeFileAtomic(o.out, bytes);
    const opts = src.model.options;
    return {
      onnx: o.out, params: src.model.numParameters(), opset, classes: opts.numClasses, bytes: bytes.byteLength,
      input: [o.batch === 'dynamic' ? 'N' : (o.batch ?? 1), opts.inChannels, height, width],
    };
  } finally {
    src.model.dispose();
  }
}
