import { allocFloat32 } from './alloc.js';
import type { ConvShape } from './types.js';
import { checkF32, checkKernel, checkObject, checkShape } from './validate.js';

export interface ConvCall {
  s: ConvShape;
  /** Elements of x (n*h*w*c). */
  count: number;
  /** Elements of one weight set (k*k*c). */
  taps: number;
}

/** Checks what every conv call shares: shape, kernel size and x. */
export function checkConvCall(x: unknown, shape: unknown, k: unknown): ConvCall {
  const s = checkShape(shape);
  checkKernel(k);
  const count = s.n * s.h * s.w * s.c;
  checkF32('x', x, count);
  return { s, count, taps: (k as number) ** 2 * s.c };
}

/**
 * Output buffers by name: the caller's (`given[key]`, checked against its length) or freshly
 * allocated aligned ones. `name` is how `given` is called in error messages.
 */
export function outputBuffers<K extends string>(name: string, given: unknown, lengths: Record<K, number>): Record<K, Float32Array> {
  const out = given === undefined ? {} : checkObject<Record<string, unknown>>(name, given);
  const result = {} as Record<K, Float32Array>;
  for (const key of Object.keys(lengths) as K[]) {
    result[key] = out[key] === undefined ? allocFloat32(lengths[key]) : checkF32(`${name}.${key}`, out[key], lengths[key]);
  }
  return result;
}
