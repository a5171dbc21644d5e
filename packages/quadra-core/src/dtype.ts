/** Element types. float32 is the working type; float64 exists for the reference backend's gradient checks. */
import { allocFloat32, type DeviceArray } from '@quadranet/lib';
import { DTypeError } from './errors.js';

export type DType = 'float32' | 'float64';
export type FArray = Float32Array | Float64Array;
/** A kernel buffer: host memory (cpu) or a view of device memory (cuda). */
export type Buf = FArray | DeviceArray;

export const BYTES: Record<DType, number> = { float32: 4, float64: 8 };

/** A zeroed buffer; float32 buffers are 64-byte aligned for the SIMD kernels. */
export function allocArray(dtype: DType, length: number): FArray {
  if (dtype === 'float32') return allocFloat32(length);
  if (dtype === 'float64') return new Float64Array(length);
  throw new DTypeError(`dtype must be 'float32' or 'float64', got ${String(dtype)}`);
}

export function dtypeOf(a: FArray): DType {
  return a instanceof Float64Array ? 'float64' : 'float32';
}
