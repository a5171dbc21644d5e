/** Tensors and modules to and from safetensors files (float32, zero-copy on read). */
import { DTypeError } from '../errors.js';
import { fromArray, type Tensor } from '../tensor.js';
import { readSafetensors, writeSafetensors } from './file.js';
import type { RawTensor } from './safetensors.js';

/** Writes named tensors atomically (temporary file + rename). */
export function saveTensors(path: string, tensors: Map<string, Tensor> | Record<string, Tensor>, metadata?: Record<string, string>): void {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of entries) {
    const d = t.dataSync(); // a cuda tensor is downloaded: files always hold host copies
    if (!(d instanceof Float32Array)) throw new DTypeError(`saveTensors: '${name}' is ${t.dtype}; safetensors files are written as F32`);
    raw.set(name, { shape: [...t.shape], data: d });
  }
  writeSafetensors(path, raw, metadata);
}

/** Reads every tensor of a file as cpu float32 tensors (F16/BF16/F64 converted), with its metadata. */
export function loadTensors(path: string): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const f = readSafetensors(path);
  const tensors = new Map<string, Tensor>();
  for (const [name, r] of f.tensors) tensors.set(name, fromArray(r.data, r.shape));
  return { tensors, metadata: f.metadata };
}
