import { ArgumentError, DTypeError, ShapeError } from './errors.js';
import type { ConvShape } from './types.js';

export const MAX_KERNEL = 31;

/** Checks {n, h, w, c}: positive safe integers whose product fits. */
export function checkShape(shape: unknown, name = 'shape'): ConvShape {
  if (typeof shape !== 'object' || shape === null) {
    throw new ArgumentError(`${name}: expected an object {n, h, w, c}, got ${describe(shape)}`);
  }
  const s = shape as Record<string, unknown>;
  for (const key of ['n', 'h', 'w', 'c']) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      throw new ArgumentError(`${name}.${key}: expected a positive integer, got ${describe(v)}`);
    }
  }
  const out = { n: s.n as number, h: s.h as number, w: s.w as number, c: s.c as number };
  if (out.n * out.h * out.w * out.c > 2 ** 31 - 1) {
    throw new ArgumentError(`${name}: n*h*w*c = ${out.n * out.h * out.w * out.c} exceeds 2^31 - 1 elements`);
  }
  return out;
}

/** Checks an odd kernel size in [1, 31]. */
export function checkKernel(k: unknown, name = 'k'): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_KERNEL || k % 2 === 0) {
    throw new ArgumentError(`${name}: expected an odd kernel size in [1, ${MAX_KERNEL}], got ${describe(k)}`);
  }
  return k;
}

/** Checks a Float32Array of an exact length. */
export function checkF32(name: string, v: unknown, length: number): Float32Array {
  if (!(v instanceof Float32Array)) {
    throw new DTypeError(`${name}: expected a Float32Array, got ${describe(v)}`);
  }
  if (v.length !== length) {
    throw new ShapeError(`${name}: expected ${length} elements, got ${v.length}`);
  }
  return v;
}

/** Like checkF32, but undefined is allowed (and returned). */
export function checkOptionalF32(name: string, v: unknown, length: number): Float32Array | undefined {
  return v === undefined ? undefined : checkF32(name, v, length);
}

/** Checks that `obj` is an object; returns it typed. */
export function checkObject<T extends object>(name: string, obj: unknown): T {
  if (typeof obj !== 'object' || obj === null || ArrayBuffer.isView(obj)) {
    throw new ArgumentError(`${name}: expected an object, got ${describe(obj)}`);
  }
  return obj as T;
}

/** An output must not share memory with an input the kernel reads while writing it. */
export function checkNoOverlap(outName: string, out: Float32Array, inName: string, input: Float32Array): void {
  if (out.buffer !== input.buffer) return;
  const a0 = out.byteOffset, a1 = a0 + out.byteLength;
  const b0 = input.byteOffset, b1 = b0 + input.byteLength;
  if (a0 < b1 && b0 < a1) throw new ArgumentError(`${outName}: must not share memory with ${inName}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an Array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return typeof v;
}
