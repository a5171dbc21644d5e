/**
 * The input of `quadra infer --checkpoint`, from a file of any supported kind, as the NHWC batch
 * the model takes:
 * - safetensors with a tensor `input` (N, C, H, W), or .npy (N, C, H, W) / (C, H, W): float arrays
 *   are model input as they are (already normalised, as for `--model/--weights`); uint8 arrays are
 *   pixels, scaled to [0, 1] and normalised as in training;
 * - a PNG or JPEG image: converted, resized and normalised as in training (see image.ts).
 */
import { readFileSync } from 'node:fs';
import { ArgumentError, loadTensors, nchwToNhwc } from '@quadranet/core';
import type { ModelSpec } from '../train/model-spec.js';
import { decodeImage, imageKind, imageToInput } from './image.js';
import { isNpy, parseNpy } from './npy.js';

export interface ModelInput {
  /** NHWC float32. */
  data: Float32Array;
  shape: [number, number, number, number];
  kind: 'safetensors' | 'npy' | 'png' | 'jpeg';
}

function fromNchw(file: string, shape: readonly number[], data: ArrayLike<number>, pixels: boolean, spec: ModelSpec): Omit<ModelInput, 'kind'> {
  const s = shape.length === 3 ? [1, ...shape] : [...shape];
  if (s.length !== 4) throw new ArgumentError(`--input ${file}: expected an array of shape (N, C, H, W) or (C, H, W), got (${shape.join(', ')})`);
  const C = spec.architecture.inChannels;
  if (s[1] !== C) throw new ArgumentError(`--input ${file}: has ${s[1]} channels at axis 1 of (N, C, H, W) = (${s.join(', ')}); the model takes ${C}`);
  const f = Float32Array.from(data);
  if (pixels) {
    const hw = s[2] * s[3];
    for (let i = 0; i < f.length; i++) {
      const c = Math.floor(i / hw) % C;
      f[i] = (f[i] / 255 - spec.normalize.mean[c]) / spec.normalize.std[c];
    }
  }
  const nhwc = nchwToNhwc({ shape: s, data: f });
  return { data: nhwc.data, shape: nhwc.shape as [number, number, number, number] };
}

export function loadModelInput(file: string, spec: ModelSpec): ModelInput {
  const bytes = readFileSync(file);
  const img = imageKind(bytes);
  if (img) {
    const [H, W, C] = spec.input;
    const data = imageToInput(decodeImage(bytes, file), { input: spec.input, ...spec.normalize });
    return { data, shape: [1, H, W, C], kind: img };
  }
  if (isNpy(bytes)) {
    const a = parseNpy(bytes, file);
    return { ...fromNchw(file, a.shape, a.data, a.dtype === 'uint8', spec), kind: 'npy' };
  }
  if (!file.endsWith('.safetensors')) {
    throw new ArgumentError(`--input ${file}: not a PNG, JPEG or .npy file; safetensors inputs must end in .safetensors`);
  }
  const inp = loadTensors(file).tensors.get('input');
  if (!inp) throw new ArgumentError(`--input ${file}: needs a tensor 'input' of shape (N, C, H, W)`);
  return { ...fromNchw(file, inp.shape, inp.data(), false, spec), kind: 'safetensors' };
}
