/**
 * Storage with reference counts and per-device accounting. A tensor holds one reference, every view
 * one more, and every autograd node that saves the tensor one more; the bytes are released when the
 * last reference goes. `memory()` reads the live and peak totals.
 */
import { allocArray, BYTES, type DType, type FArray } from './dtype.js';
import type { Device } from './device.js';
import { DisposedError } from './errors.js';

export interface DeviceMemory {
  /** Bytes held by live storages. */
  live: number;
  /** Bytes of released buffers kept for reuse (live + pooled = what the process holds). */
  pooled: number;
  /** Highest `live` since the start or the last `resetPeak()`. */
  peak: number;
  /** Number of live storages. */
  count: number;
}

const stats: Record<Device, DeviceMemory> = {
  cpu: { live: 0, pooled: 0, peak: 0, count: 0 },
  cuda: { live: 0, pooled: 0, peak: 0, count: 0 },
};

/**
 * Released cpu buffers of 64 KiB or more wait here for a request of the same dtype and length.
 * glibc hands freed multi-MB blocks back to the OS, so a fresh buffer per op pays its page faults
 * on every call (about 2.7 ms per 6.4 MB here); a training loop asks for the same sizes each step.
 */
const POOL_MIN_BYTES = 64 * 1024;
let poolLimit = Number(process.env.QUADRA_POOL_MB ?? 2048) * 1024 * 1024;
const pool = new Map<string, FArray[]>();
const poolOrder: [string, FArray][] = [];

function poolKey(dtype: DType, length: number): string {
  return `${dtype}:${length}`;
}

function takeFromPool(dtype: DType, length: number, zero: boolean): FArray | null {
  const list = pool.get(poolKey(dtype, length));
  const a = list?.pop();
  if (!a) return null;
  const i = poolOrder.findIndex((e) => e[1] === a);
  if (i >= 0) poolOrder.splice(i, 1);
  stats.cpu.pooled -= a.byteLength;
  if (zero) a.fill(0);
  return a;
}

function giveToPool(a: FArray, dtype: DType): void {
  if (a.byteLength < POOL_MIN_BYTES || a.byteLength > poolLimit) return;
  const key = poolKey(dtype, a.length);
  let list = pool.get(key);
  if (!list) pool.set(key, (list = []));
  list.push(a);
  poolOrder.push([key, a]);
  stats.cpu.pooled += a.byteLength;
  while (stats.cpu.pooled > poolLimit) {
    const [k, old] = poolOrder.shift()!;
    const l = pool.get(k)!;
    l.splice(l.indexOf(old), 1);
    stats.cpu.pooled -= old.byteLength;
  }
}

/** Drops every pooled buffer (they are then garbage-collected) and sets the pool's cap. */
export function emptyCache(limitMb?: number): void {
  if (limitMb !== undefined) poolLimit = limitMb * 1024 * 1024;
  pool.clear();
  poolOrder.length = 0;
  stats.cpu.pooled = 0;
}

/** Live and peak bytes per device, counting every tensor, view owner and saved intermediate once. */
export function memory(): Record<Device, DeviceMemory> {
  return { cpu: { ...stats.cpu }, cuda: { ...stats.cuda } };
}

/** Starts a new peak measurement at the current live size. */
export function resetPeak(device?: Device): void {
  for (const d of device ? [device] : (Object.keys(stats) as Device[])) stats[d].peak = stats[d].live;
}

export class Storage {
  readonly device: Device;
  readonly dtype: DType;
  readonly bytes: number;
  private array: FArray | null;
  private refs = 1;
  /** Allocated here (not wrapping a caller's buffer), so it may go back to the pool. */
  private readonly pooled: boolean;

  /**
   * Wraps `array`, or allocates `length` elements: from the pool when a buffer of that size is
   * free (zero-filled only when `zero`), else a fresh zeroed buffer.
   */
  constructor(device: Device, dtype: DType, length: number, array?: FArray, zero = true) {
    this.device = device;
    this.dtype = dtype;
    this.pooled = !array;
    this.array = array ?? (device === 'cpu' ? takeFromPool(dtype, length, zero) : null) ?? allocArray(dtype, length);
    this.bytes = length * BYTES[dtype];
    const s = stats[device];
    s.live += this.bytes;
    s.count++;
    if (s.live > s.peak) s.peak = s.live;
  }

  get alive(): boolean {
    return this.array !== null;
  }

  /** The host buffer (cpu storages). */
  get data(): FArray {
    if (!this.array) throw new DisposedError('tensor storage was already released (use after dispose())');
    return this.array;
  }

  retain(): this {
    if (!this.array) throw new DisposedError('cannot retain released storage');
    this.refs++;
    return this;
  }

  release(): void {
    if (!this.array) return;
    if (--this.refs > 0) return;
    if (this.pooled && this.device === 'cpu') giveToPool(this.array, this.dtype);
    this.array = null;
    const s = stats[this.device];
    s.live -= this.bytes;
    s.count--;
  }
}
