/** Tensor creation. Every random function takes an optional seeded Generator. */
import type { DType, FArray } from '../dtype.js';
import { checkDevice, type Device } from '../device.js';
import { ArgumentError, checkOptionKeys, ShapeError } from '../errors.js';
import { defaultGenerator, type Generator } from '../random.js';
import { checkShape, fmt, sizeOf } from '../shape.js';
import { empty, fromArray, zeroed, type NestedArray, type Tensor } from '../tensor.js';
import { fillTensor, moveTo } from '../transfer.js';

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

function finish(t: Tensor, o: CreateOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Values computed on the host land on the requested device (one upload for cuda). */
function onDevice(t: Tensor, device: Device | undefined): Tensor {
  return device ? moveTo(t, checkDevice('device', device)) : t;
}

function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

/**
 * A tensor from nested arrays or a flat typed/number array plus a shape. A Float32Array or
 * Float64Array is used without copying on cpu; with `device: 'cuda'` the values are uploaded.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]]);            // shape [2, 2]
 * const y = tensor(new Float32Array(6), [2, 3]); // zero-copy
 * const g = randn([8, 56, 56, 64], { device: 'cuda' }); // drawn on the host, uploaded once
 */
export function tensor(values: NestedArray | FArray, shape?: readonly number[], opts: CreateOptions = {}): Tensor {
  checkOptionKeys('tensor', opts, CREATE_KEYS);
  if (values instanceof Float32Array || values instanceof Float64Array) {
    const sh = shape ? checkShape('shape', shape) : [values.length];
    if (sizeOf(sh) !== values.length) throw new ShapeError(`tensor: shape ${fmt(sh)} needs ${sizeOf(sh)} values, got ${values.length}`);
    if (opts.dtype && opts.dtype !== (values instanceof Float64Array ? 'float64' : 'float32')) {
      return finish(tensor(Array.from(values), sh, opts), opts);
    }
    return finish(fromArray(values, sh, opts.device), opts);
  }
  const sh = shape ? checkShape('shape', shape) : inferShape(values);
  const flat = Array.isArray(values) ? (values as unknown[]).flat(Infinity) : [values];
  if (!flat.every((v) => typeof v === 'number')) throw new ArgumentError('tensor: values must be numbers or nested arrays of numbers');
  if (flat.length !== sizeOf(sh)) throw new ShapeError(`tensor: shape ${fmt(sh)} needs ${sizeOf(sh)} values, got ${flat.length} (ragged nested array?)`);
  const t = empty(sh, opts.dtype ?? 'float32', 'cpu');
  t.data().set(flat as number[]);
  return finish(onDevice(t, opts.device), opts);
}

export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  checkOptionKeys('zeros', opts, CREATE_KEYS);
  return finish(zeroed(checkShape('shape', shape), opts.dtype, opts.device), opts);
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  checkOptionKeys('full', opts, CREATE_KEYS);
  const t = empty(checkShape('shape', shape), opts.dtype, opts.device);
  return finish(fillTensor(t, value), opts);
}

export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

export function zerosLike(t: Tensor): Tensor {
  return zeroed(t.shape, t.dtype, t.device);
}

export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, device: t.device });
}

/** 0, 1, …, n-1. */
export function arange(n: number, opts: CreateOptions = {}): Tensor {
  checkOptionKeys('arange', opts, CREATE_KEYS);
  const t = empty([n], opts.dtype, 'cpu');
  const d = t.data();
  for (let i = 0; i < n; i++) d[i] = i;
  return finish(onDevice(t, opts.device), opts);
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

const CREATE_KEYS = ['dtype', 'device', 'requiresGrad'] as const satisfies readonly (keyof CreateOptions)[];
const RANDOM_KEYS = [...CREATE_KEYS, 'generator'] as const;

function fillWith(shape: readonly number[], opts: RandomOptions, fn: (g: Generator) => number): Tensor {
  const t = empty(checkShape('shape', shape), opts.dtype, 'cpu');
  const g = opts.generator ?? defaultGenerator;
  const d = t.data();
  for (let i = 0; i < d.length; i++) d[i] = fn(g);
  return finish(onDevice(t, opts.device), opts);
}

/** Standard normal samples. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkOptionKeys('randn', opts, RANDOM_KEYS);
  return fillWith(shape, opts, (g) => g.normal());
}

/** Uniform samples in [low, high). */
export function rand(shape: readonly number[], opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  checkOptionKeys('rand', opts, [...RANDOM_KEYS, 'low', 'high']);
  const lo = opts.low ?? 0;
  const hi = opts.high ?? 1;
  return fillWith(shape, opts, (g) => lo + (hi - lo) * g.uniform());
}

/**
 * Normal(mean, std) samples redrawn until they fall inside [a, b] (timm's trunc_normal_ default
 * cuts at ±2 absolute, i.e. ±100 std for std 0.02).
 */
export function truncNormal(shape: readonly number[], opts: RandomOptions & { mean?: number; std?: number; a?: number; b?: number } = {}): Tensor {
  checkOptionKeys('truncNormal', opts, [...RANDOM_KEYS, 'mean', 'std', 'a', 'b']);
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  const a = opts.a ?? -2;
  const b = opts.b ?? 2;
  if (!(std > 0) || !(a < b)) throw new ArgumentError(`truncNormal: need std > 0 and a < b, got std=${std}, a=${a}, b=${b}`);
  return fillWith(shape, opts, (g) => {
    for (;;) {
      const v = mean + std * g.normal();
      if (v >= a && v <= b) return v;
    }
  });
}
