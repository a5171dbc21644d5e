/** DeviceArray: a view (offset, length) of one device allocation, like a Float32Array of a buffer. */
import { ArgumentError } from '../errors.js';
import type { DeviceArray } from './api.js';

export class CudaArray implements DeviceArray {
  readonly device = 'cuda' as const;
  // Plain own properties: the native glue reads handle/offset/length on every kernel call.
  readonly handle: object;
  readonly offset: number;
  readonly length: number;
  /** Elements of the whole allocation (release() accepts only whole-allocation views). */
  readonly capacity: number;

  constructor(handle: object, offset: number, length: number, capacity: number) {
    this.handle = handle;
    this.offset = offset;
    this.length = length;
    this.capacity = capacity;
  }

  get byteLength(): number {
    return 4 * this.length;
  }

  subarray(begin: number, end: number = this.length): DeviceArray {
    // Float32Array.subarray semantics: negative indices count from the end, bounds clamp.
    const len = this.length;
    const norm = (i: number) => {
      if (!Number.isFinite(i) && !Number.isNaN(i)) return i < 0 ? 0 : len;
      const t = Math.trunc(i) || 0;
      return t < 0 ? Math.max(len + t, 0) : Math.min(t, len);
    };
    const b = norm(begin);
    const e = Math.max(norm(end), b);
    return new CudaArray(this.handle, this.offset + b, e - b, this.capacity);
  }
}

export function isWholeAllocation(a: DeviceArray): boolean {
  return a instanceof CudaArray && a.offset === 0 && a.length === a.capacity;
}

export function checkLength(name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new ArgumentError(`${name}: expected a non-negative integer, got ${String(n)}`);
  }
  return n;
}
