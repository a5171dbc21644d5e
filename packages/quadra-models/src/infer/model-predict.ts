/**
 * The synchronous inference path of QuadraNet.predict. The worker of predictAsync (predict-worker.ts)
 * runs the same `forwardLogits`, so the two give the same bits.
 */
import { ArgumentError, DisposedError, DTypeError, noGrad, ShapeError, Tensor, tensor, type Device, type nn } from '@quadranet/core';
import type { QuadraNet } from '../model/quadranet.js';

/** NHWC images as one flat Float32Array, row-major over `shape` = [N, H, W, C]. */
export interface ImageBatch {
  data: Float32Array;
  shape: readonly number[];
}

/** What predict() and predictAsync() take: a float32 NHWC Tensor or an ImageBatch. */
export type PredictInput = Tensor | ImageBatch;

const EXPECTED = 'a float32 NHWC Tensor or { data: Float32Array, shape: [N, H, W, C] }';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

function checkShape(fn: string, what: string, s: readonly unknown[], channels: number): void {
  const shown = `[${s.join(', ')}]`;
  if (s.length !== 4 || !s.every((v) => Number.isInteger(v) && (v as number) > 0)) {
    throw new ShapeError(`${fn}: ${what} must be NHWC [N, H, W, ${channels}] with positive integer sizes, got ${shown}`);
  }
  if (s[3] !== channels) {
    const hint = s[1] === channels ? ' (it looks NCHW: permute it to [N, H, W, C])' : '';
    throw new ShapeError(`${fn}: ${what} must be NHWC [N, H, W, ${channels}] for this model's ${channels} input channel(s), got ${shown}${hint}`);
  }
}

/**
 * Checks `x` for a model with `channels` input channels; every error names the argument (`x`,
 * `x.data`, `x.shape`) and what was expected.
 */
export function checkPredictInput(fn: string, x: unknown, channels: number): PredictInput {
  if (x instanceof Tensor) {
    if (x.disposed) throw new DisposedError(`${fn}: x is a disposed tensor`);
    if (x.dtype !== 'float32') throw new DTypeError(`${fn}: x must be a float32 tensor, got ${x.dtype}`);
    checkShape(fn, 'x.shape', x.shape, channels);
    return x;
  }
  if (typeof x !== 'object' || x === null || !('data' in x) || !('shape' in x)) {
    throw new ArgumentError(`${fn}: x must be ${EXPECTED}, got ${describe(x)}`);
  }
  const { data, shape } = x as { data: unknown; shape: unknown };
  if (!(data instanceof Float32Array)) throw new DTypeError(`${fn}: x.data must be a Float32Array, got ${describe(data)}`);
  if (!Array.isArray(shape)) throw new ArgumentError(`${fn}: x.shape must be an array [N, H, W, ${channels}], got ${describe(shape)}`);
  checkShape(fn, 'x.shape', shape, channels);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new ShapeError(`${fn}: x.shape [${shape.join(', ')}] needs ${size} values, x.data has ${data.length}`);
  return { data, shape: [...(shape as number[])] };
}

/** The device the model's parameters are on (cpu for a model without any). */
export function deviceOf(model: nn.Module): Device {
  return model.parameters()[0]?.device ?? 'cpu';
}

/** Logits (row-major [N, classes]) of `model` on `x`, without recording gradients; no tensor outlives the call. */
export function forwardLogits(model: nn.Module, x: Tensor): Float32Array {
  return noGrad(() => {
    const y = model.forward(x);
    try {
      const d = y.dataSync();
      return d instanceof Float32Array ? d.slice() : Float32Array.from(d);
    } finally {
      y.dispose();
    }
  });
}

/**
 * QuadraNet.predict: the logits for `x` in eval mode (each module's train/eval mode is restored
 * afterwards) without gradients. An ImageBatch runs on the model's device (copied there if cuda).
 */
export function predictLogits(model: QuadraNet, x: PredictInput): Float32Array {
  const input = checkPredictInput('predict', x, model.options.inChannels);
  const modules = [...model.namedModules()].map(([, m]) => m);
  const modes = modules.map((m) => m.training);
  model.eval();
  try {
    if (input instanceof Tensor) return forwardLogits(model, input);
    const t = tensor(input.data, input.shape, { device: deviceOf(model) });
    try {
      return forwardLogits(model, t);
    } finally {
      t.dispose();
    }
  } finally {
    // Back to each module's own mode (a module returning to training drops its packed weights).
    modules.forEach((m, i) => (m.training = modes[i]));
  }
}
