/**
 * Tensor: a shape over a contiguous float buffer on a device. CPU tensors own an ArrayBuffer that the
 * native kernels read and write in place; CUDA tensors own device memory. Views (reshape, detach,
 * leading-axis slices) share storage.
 */
import type { DeviceArray } from '@quadranet/lib';
import { backward as runBackward, type BackwardOptions } from './autograd/backward.js';
import { record, type Node } from './autograd/node.js';
import type { Buf, DType, FArray } from './dtype.js';
import { checkDevice, type Device } from './device.js';
import { ArgumentError, checkOptionKeys, DeviceError, DisposedError, DTypeError } from './errors.js';
import { Storage } from './memory.js';
import { keep, track } from './scope.js';
import { sizeOf } from './shape.js';
import { readHost, writeHost } from './transfer.js';

/** The backstop for tensors dropped without dispose(): their reference is released as a leak (memory().*.leaked). */
const finalizer = new FinalizationRegistry<Storage>((s) => s.release(true));

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

  /**
   * Zero-copy view of the elements (cpu). Writing to it changes the tensor. On a cuda tensor this
   * throws a DeviceError: use `.to('cpu')`, `dataSync()` (a host copy) or `deviceData()`.
   */
  data(): FArray {
    if (this.disposedFlag && this.pins === 0) throw new DisposedError(`tensor [${this.shape.join(', ')}] was disposed`);
    if (this.storage.device !== 'cpu') {
      throw new DeviceError(`data(): tensor [${this.shape.join(', ')}] is on ${this.storage.device}; call .to('cpu') first (or dataSync() for a host copy)`);
    }
    const d = this.storage.data;
    this.storage.version++; // the caller may write through the view
    return this.offset === 0 && d.length === this.size ? d : d.subarray(this.offset, this.offset + this.size);
  }

  /**
   * How many times the elements may have been written through core (data() views handed out,
   * copies, fills and uploads into it, optimizer steps): what caches derived from the values (the
   * packed weights of inference) compare. Shared by every view of the same storage.
   */
  get version(): number {
    return this.storage.version;
  }

  /** @internal Records a write made outside data() (a kernel writing this tensor in place). */
  markWritten(): void {
    this.storage.version++;
  }

  /** The device memory of a cuda tensor (a view of its allocation). */
  deviceData(): DeviceArray {
    if (this.disposedFlag && this.pins === 0) throw new DisposedError(`tensor [${this.shape.join(', ')}] was disposed`);
    if (this.storage.device !== 'cuda') throw new DeviceError(`deviceData(): tensor [${this.shape.join(', ')}] is on ${this.storage.device}, not cuda; call .to('cuda') first`);
    const d = this.storage.deviceData;
    return this.offset === 0 && d.length === this.size ? d : d.subarray(this.offset, this.offset + this.size);
  }

  /** @internal The buffer handed to kernels: the host array (cpu) or the device view (cuda). */
  buf(): Buf {
    if (this.disposedFlag && this.pins === 0) throw new DisposedError(`tensor [${this.shape.join(', ')}] was disposed`);
    const d = this.storage.buffer;
    return this.offset === 0 && d.length === this.size ? d : d.subarray(this.offset, this.offset + this.size);
  }

  /**
   * The elements on the host: for a cpu tensor the zero-copy view (as `data()`), for a cuda tensor
   * a downloaded copy (writing to it does not change the tensor). Waits for the device.
   */
  dataSync(): FArray {
    return readHost(this);
  }

  /**
   * A copy on `device`, recorded on the tape (the gradient moves back to this tensor's device).
   * Returns this tensor itself when it already lives there, as PyTorch does.
   *
   * @example
   * const xg = x.to('cuda'); const y = model.forward(xg).to('cpu');
   */
  to(device: Device): Tensor {
    const dev = checkDevice('to: device', device);
    if (dev === this.device) return this;
    if (dev === 'cuda' && this.dtype !== 'float32') throw new DTypeError(`to('cuda'): cuda tensors are float32, this tensor is ${this.dtype}`);
    const y = new Tensor(new Storage(dev, this.dtype, this.size, undefined, false), this.shape);
    writeHost(y, readHost(this));
    const from = this.device;
    record('ToDevice', [this], [y], [], ([g]) => [g!.to(from)]);
    return y;
  }

  /** The elements as nested JS arrays. */
  toArray(): NestedArray {
    const d = readHost(this);
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
    return readHost(this)[0];
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
    checkOptionKeys('backward', opts, ['retainGraph', 'onGradReady']);
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

/** A tensor over an existing host buffer (takes it over; no copy), or an upload of it for cuda. */
export function fromArray(data: FArray, shape: readonly number[], device: Device = 'cpu'): Tensor {
  const dtype: DType = data instanceof Float64Array ? 'float64' : 'float32';
  if (device === 'cuda' && dtype !== 'float32') throw new DTypeError('fromArray: cuda tensors are float32, got a Float64Array');
  if (device === 'cuda') return writeHost(new Tensor(new Storage('cuda', 'float32', data.length, undefined, false), shape), data);
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
