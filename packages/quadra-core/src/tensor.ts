/**
 * Tensor: a shape over a contiguous float buffer on a device. CPU tensors own an ArrayBuffer that the
 * native kernels read and write in place. Views (reshape, detach, leading-axis slices) share storage.
 */
import { backward as runBackward, type BackwardOptions } from './autograd/backward.js';
import type { Node } from './autograd/node.js';
import type { DType, FArray } from './dtype.js';
import type { Device } from './device.js';
import { ArgumentError, DisposedError } from './errors.js';
import { Storage } from './memory.js';
import { keep, track } from './scope.js';
import { sizeOf } from './shape.js';

const finalizer = new FinalizationRegistry<Storage>((s) => s.release());

export type NestedArray = number | NestedArray[];

export class Tensor {
  readonly isTensor = true;
  readonly shape: readonly number[];
  readonly size: number;
  readonly storage: Storage;
  /** Offset of the first element in the storage, in elements. */
  readonly offset: number;
  private disposedFlag = false;
  /** Autograd nodes that saved this handle; it stays readable for them after dispose(). */
  private pins = 0;
  private requires = false;
  /** Accumulated gradient of a leaf tensor that requires it. */
  grad: Tensor | null = null;
  private node: Node | null = null;
  private nodeOutput = 0;

  /** Wraps a storage (takes over one reference to it). Use the creation functions instead. */
  constructor(storage: Storage, shape: readonly number[], offset = 0) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.offset = offset;
    finalizer.register(this, storage, this);
    track(this);
  }

  get dtype(): DType {
    return this.storage.dtype;
  }

  get device(): Device {
    return this.storage.device;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** The op that produced this tensor on the tape, if any. */
  get gradFn(): Node | null {
    return this.node;
  }

  get gradFnOutput(): number {
    return this.nodeOutput;
  }

  get requiresGrad(): boolean {
    return this.requires;
  }

  set requiresGrad(v: boolean) {
    if (this.node && !v) throw new ArgumentError('requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach()');
    this.requires = v;
  }

  /** True when the tensor is not produced by a recorded op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** @internal A node saved this tensor for its backward (it holds a storage reference too). */
  pin(delta: 1 | -1): void {
    this.pins += delta;
  }

  /** @internal Called by `record()`. */
  setGradFn(node: Node, output: number): void {
    this.node = node;
    this.nodeOutput = output;
    this.requires = true;
  }

  /** Zero-copy view of the elements (cpu). Writing to it changes the tensor. */
  data(): FArray {
    if (this.disposedFlag && this.pins === 0) throw new DisposedError(`tensor [${this.shape.join(', ')}] was disposed`);
    const d = this.storage.data;
    return this.offset === 0 && d.length === this.size ? d : d.subarray(this.offset, this.offset + this.size);
  }

  /** The elements as nested JS arrays. */
  toArray(): NestedArray {
    const d = this.data();
    if (this.shape.length === 0) return d[0];
    const build = (axis: number, base: number): NestedArray[] => {
      const n = this.shape[axis];
      const stride = sizeOf(this.shape.slice(axis + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) out.push(axis === this.shape.length - 1 ? d[base + i] : build(axis + 1, base + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ArgumentError(`item(): tensor must have exactly one element, has shape [${this.shape.join(', ')}]`);
    return this.data()[0];
  }

  /** Sets requiresGrad and returns this (for chaining). */
  requireGrad(v = true): this {
    this.requiresGrad = v;
    return this;
  }

  /** A view sharing storage, cut from the tape. */
  detach(): Tensor {
    return new Tensor(this.storage.retain(), this.shape, this.offset);
  }

  /** Backpropagates from this tensor; `seed` defaults to 1 for a one-element tensor. */
  backward(seed?: Tensor, opts: BackwardOptions = {}): void {
    runBackward(this, seed, opts);
  }

  /** Releases this handle's reference to the storage. Idempotent. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    finalizer.unregister(this);
    this.storage.release();
  }

  /** Keeps this tensor past the end of the enclosing scopes. */
  keep(): this {
    return keep(this);
  }

  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device}${this.requires ? ', requiresGrad' : ''})`;
  }
}

/**
 * A new tensor with uninitialised contents (recycled buffers keep old values), for outputs a
 * kernel overwrites completely. Use `zeros()` / `zerosLikeRaw()` when the contents matter.
 */
export function empty(shape: readonly number[], dtype: DType = 'float32', device: Device = 'cpu'): Tensor {
  return new Tensor(new Storage(device, dtype, sizeOf(shape), undefined, false), shape);
}

/** A new zero-filled tensor. */
export function zeroed(shape: readonly number[], dtype: DType = 'float32', device: Device = 'cpu'): Tensor {
  return new Tensor(new Storage(device, dtype, sizeOf(shape)), shape);
}

/** A tensor over an existing buffer (takes it over; no copy). */
export function fromArray(data: FArray, shape: readonly number[], device: Device = 'cpu'): Tensor {
  const dtype: DType = data instanceof Float64Array ? 'float64' : 'float32';
  return new Tensor(new Storage(device, dtype, data.length, data), shape);
}

/** An uninitialised tensor with the dtype and device of `like`. */
export function emptyLike(like: Tensor, shape: readonly number[] = like.shape): Tensor {
  return empty(shape, like.dtype, like.device);
}

/** A zero-filled tensor with the dtype and device of `like`. */
export function zerosLikeRaw(like: Tensor, shape: readonly number[] = like.shape): Tensor {
  return zeroed(shape, like.dtype, like.device);
}
