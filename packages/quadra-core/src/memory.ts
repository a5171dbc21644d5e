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
  /** Highest `live` since the start or the last `resetPeak()`. */
  peak: number;
  /** Number of live storages. */
  count: number;
}

const stats: Record<Device, DeviceMemory> = {
  cpu: { live: 0, peak: 0, count: 0 },
  cuda: { live: 0, peak: 0, count: 0 },
};

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

  constructor(device: Device, dtype: DType, length: number, array?: FArray) {
    this.device = device;
    this.dtype = dtype;
    this.array = array ?? allocArray(dtype, length);
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
    this.array = null;
    const s = stats[this.device];
    s.live -= this.bytes;
    s.count--;
  }
}
