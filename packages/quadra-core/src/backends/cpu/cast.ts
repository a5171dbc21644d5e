/** The cpu backend only ever receives float32 buffers (float64 goes to the reference backend). */
import type { FArray } from '../../dtype.js';

export const f32 = (a: FArray): Float32Array => a as Float32Array;
export const f32n = (a: FArray | null): Float32Array | null => a as Float32Array | null;
