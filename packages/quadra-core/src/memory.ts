/**
 * Storage with reference counts and per-device accounting. A tensor holds one reference, every view
 * one more, and every autograd node that saves the tensor one more; the bytes are released when the
 * last reference goes. `memory()` reads the live and peak totals. cpu storages hold a host array
 * (pooled here); cuda storages hold a DeviceArray from the CUDA module's caching allocator, whose
 * own live/pooled/peak bytes are what `memory().cuda` reports.
 */
import { envPoolMb, type DeviceArray } from '@quadranet/lib';
import { cudaRuntime, cudaRuntimeIfLoaded } from './backends/cuda/runtime.js';
import { allocArray, BYTES, type Buf, type DType, type FArray } from './dtype.js';
import { checkDevice, type Device } from './device.js';
import { DeviceError, DisposedError, DTypeError } from './errors.js';

export interface DeviceMemory {
  /** Bytes held by live storages. */
  live: number;
  /** Bytes of released buffers kept for reuse (live + pooled = what the process holds). */
  pooled: number;
  /** Highest `live` since the start or the last `resetPeak()`. */
  peak: number;
  /** Number of live storages. */
  count: number;
  /**
   * Buffers allocated fresh since the start (cpu: not taken from the pool; cuda: 0, the device
   * allocator keeps its own cache). Flat across calls means a loop allocates nothing new.
   */
  allocations: number;
  /**
   * Storages freed by the garbage collector's backstop rather than by dispose(): their last tensor
   * was dropped undisposed. Their bytes leave `live` (cpu: the buffer is not pooled, since the
   * caller may still hold its data(); cuda: the block goes back to the device allocator). Zero in
   * a program that disposes everything; a growing count names a leak that scope() would fix.
   */
  leaked: number;
  /** Bytes of those storages. */
  leakedBytes: number;
}

/** cpu bytes counted here; cuda bytes are the device allocator's own (memory() asks it). */
const cpu: DeviceMemory = { live: 0, pooled: 0, peak: 0, count: 0, allocations: 0, leaked: 0, leakedBytes: 0 };
const cudaLeaks = { leaked: 0, leakedBytes: 0 };

/**
 * Released cpu buffers wait here for a request of the same dtype and length: glibc hands freed
 * multi-MB blocks back to the OS, so a fresh buffer per op pays its page faults on every call
 * (about 2.7 ms per 6.4 MB here), and small ones cost the garbage collector; a training or
 * inference loop asks for the same sizes each step, so after the first it allocates nothing.
 */
/** The pool's cap in bytes: QUADRA_POOL_MB (checked on first use) or emptyCache(limitMb). */
let poolLimitBytes: number | undefined;
const poolLimit = () => (poolLimitBytes ??= (envPoolMb() ?? 2048) * 1024 * 1024);
/** Free buffers by dtype, then by length (no key string built per allocation). */
const pool: Record<DType, Map<number, FArray[]>> = { float32: new Map(), float64: new Map() };
/** Pooled buffers, oldest first (a Map keeps insertion order), with the list each sits in: evicted from the front. */
const poolOrder = new Map<FArray, FArray[]>();

function takeFromPool(dtype: DType, length: number, zero: boolean): FArray | null {
  const a = pool[dtype].get(length)?.pop();
  if (!a) return null;
  poolOrder.delete(a);
  cpu.pooled -= a.byteLength;
  if (zero) a.fill(0);
  return a;
}

function giveToPool(a: FArray, dtype: DType): void {
  if (a.byteLength === 0 || a.byteLength > poolLimit()) return;
  const byLength = pool[dtype];
  let list = byLength.get(a.length);
  if (!list) byLength.set(a.length, (list = []));
  list.push(a);
  poolOrder.set(a, list);
  cpu.pooled += a.byteLength;
  while (cpu.pooled > poolLimit()) {
    const [old, l] = poolOrder.entries().next().value as [FArray, FArray[]];
    poolOrder.delete(old);
    l.splice(l.indexOf(old), 1);
    cpu.pooled -= old.byteLength;
  }
}

/**
 * Drops every pooled cpu buffer (they are then garbage-collected) and sets the pool's cap; frees
 * the cached device blocks too when the CUDA backend is loaded.
 */
export function emptyCache(limitMb?: number): void {
  if (limitMb !== undefined) poolLimitBytes = limitMb * 1024 * 1024;
  pool.float32.clear();
  pool.float64.clear();
  poolOrder.clear();
  cpu.pooled = 0;
  cudaRuntimeIfLoaded()?.emptyCache();
}

/**
 * Live and peak bytes per device, counting every tensor, view owner and saved intermediate once.
 * The cuda figures are the device allocator's own (zeros while the CUDA backend is not loaded).
 */
export function memory(): Record<Device, DeviceMemory> {
  const rt = cudaRuntimeIfLoaded();
  return { cpu: { ...cpu }, cuda: { live: 0, pooled: 0, peak: 0, count: 0, ...rt?.memory(), allocations: 0, ...cudaLeaks } };
}

/** Starts a new peak measurement at the current live size. */
export function resetPeak(device?: Device): void {
  if (!device || device === 'cpu') cpu.peak = cpu.live;
  if (!device || device === 'cuda') cudaRuntimeIfLoaded()?.resetPeak();
}

export class Storage {
  readonly device: Device;
  readonly dtype: DType;
  readonly bytes: number;
  private array: FArray | null;
  /** cuda: the whole allocation (what is released) and the view of `length` elements handed out. */
  private allocation: DeviceArray | null = null;
  private view: DeviceArray | null = null;
  private refs = 1;
  /**
   * Counts writes made through core: every data() view handed out (it may be written), uploads,
   * fills and copies into it, optimizer steps. Caches of values derived from a tensor (packed
   * inference weights) compare it to know when to rebuild.
   */
  version = 0;
  /** Allocated here (not wrapping a caller's buffer), so it may go back to the pool. */
  private readonly pooled: boolean;

  /**
   * cpu: wraps `array`, or allocates `length` elements: from the pool when a buffer of that size is
   * free (zero-filled only when `zero`), else a fresh zeroed buffer.
   * cuda: allocates `length` float32 elements from the device's caching allocator (zero-filled
   * when `zero`); host arrays are never wrapped (upload them into the new storage instead).
   */
  constructor(device: Device, dtype: DType, length: number, array?: FArray, zero = true) {
    this.device = checkDevice('device', device);
    this.dtype = dtype;
    this.pooled = !array;
    this.bytes = length * BYTES[dtype];
    if (device === 'cuda') {
      if (dtype !== 'float32') throw new DTypeError(`cuda tensors are float32, got dtype ${dtype}`);
      if (array) throw new DeviceError('a cuda storage cannot wrap a host array; create it empty and upload');
      const rt = cudaRuntime();
      // One element at least: a zero-length allocation is not portable across allocators.
      this.allocation = rt.alloc(Math.max(1, length), zero);
      this.view = this.allocation.length === length ? this.allocation : this.allocation.subarray(0, length);
      this.array = null;
      return;
    }
    this.array = array ?? takeFromPool(dtype, length, zero) ?? null;
    if (!this.array) {
      this.array = allocArray(dtype, length);
      cpu.allocations++;
    }
    cpu.live += this.bytes;
    cpu.count++;
    if (cpu.live > cpu.peak) cpu.peak = cpu.live;
  }

  get alive(): boolean {
    return this.array !== null || this.view !== null;
  }

  /** The host buffer (cpu storages). */
  get data(): FArray {
    if (this.array) return this.array;
    if (this.view) throw new DeviceError('this tensor is on cuda: its host data cannot be read in place; call .to(\'cpu\') (or dataSync() for a copy)');
    throw new DisposedError('tensor storage was already released (use after dispose())');
  }

  /** The device view (cuda storages). */
  get deviceData(): DeviceArray {
    if (this.view) return this.view;
    if (this.array) throw new DeviceError('this tensor is on cpu: it has no device data; call .to(\'cuda\')');
    throw new DisposedError('tensor storage was already released (use after dispose())');
  }

  /** The kernel buffer on either device. */
  get buffer(): Buf {
    const b = this.array ?? this.view;
    if (!b) throw new DisposedError('tensor storage was already released (use after dispose())');
    return b;
  }

  retain(): this {
    if (!this.alive) throw new DisposedError('cannot retain released storage');
    this.refs++;
    return this;
  }

  /**
   * Drops one reference; the last frees the bytes. `leaked`: the reference belonged to a tensor
   * the garbage collector reclaimed without dispose() (tensor.ts's finalizer): a last release of
   * that kind is counted in memory().*.leaked, and its cpu buffer is not pooled, since the caller
   * may still hold the tensor's data() and a pooled buffer would be handed to the next tensor.
   */
  release(leaked = false): void {
    if (!this.alive) return;
    if (--this.refs > 0) return;
    const counts = this.device === 'cuda' ? cudaLeaks : cpu;
    if (leaked) {
      counts.leaked++;
      counts.leakedBytes += this.bytes;
    }
    if (this.allocation) {
      const a = this.allocation;
      this.allocation = null;
      this.view = null;
      // The runtime exists: this storage was allocated from it.
      cudaRuntimeIfLoaded()?.release(a);
      return;
    }
    if (this.pooled && !leaked) giveToPool(this.array!, this.dtype);
    this.array = null;
    cpu.live -= this.bytes;
    cpu.count--;
  }
}
