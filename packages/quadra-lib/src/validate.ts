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

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an Array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return typeof v;
}

/** Checks a positive safe integer (a dimension). */
export function checkDim(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new ArgumentError(`${name}: expected a positive integer, got ${describe(v)}`);
  }
  return v;
}

/** a * b element count of a matrix, checked to stay a safe integer. */
export function checkedProduct(name: string, a: number, b: number): number {
  const p = a * b;
  if (!Number.isSafeInteger(p)) throw new ArgumentError(`${name}: ${a} x ${b} elements is too many`);
  return p;
}

/** Checks a finite number. */
export function checkNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ArgumentError(`${name}: expected a finite number, got ${describe(v)}`);
  }
  return v;
}

/** Checks an optional boolean (undefined gives `fallback`). */
export function checkBool(name: string, v: unknown, fallback = false): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ArgumentError(`${name}: expected a boolean, got ${describe(v)}`);
  return v;
}

/** Checks a Float32Array of any length. */
export function checkF32Any(name: string, v: unknown): Float32Array {
  if (!(v instanceof Float32Array)) throw new DTypeError(`${name}: expected a Float32Array, got ${describe(v)}`);
  return v;
}

/** True when the two views are the same elements (same buffer, offset and length). */
export function sameView(a: Float32Array, b: Float32Array): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.length === b.length;
}

/**
 * For elementwise kernels that read element i before writing it: the output may be exactly the
 * input (in place), but must not partly overlap it.
 */
export function checkSameOrNoOverlap(outName: string, out: Float32Array, inName: string, input: Float32Array): void {
  if (!sameView(out, input)) checkNoOverlap(outName, out, inName, input);
}

/** No two of the named buffers (nulls and undefineds skipped) share memory. */
export function checkDisjoint(bufs: Record<string, Float32Array | null | undefined>): void {
  const list = Object.entries(bufs).filter((e): e is [string, Float32Array] => e[1] instanceof Float32Array);
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) checkNoOverlap(list[i][0], list[i][1], list[j][0], list[j][1]);
  }
}

/**
 * An optional output: the caller's buffer (checked), a fresh aligned one when undefined, or null
 * when the caller passed null (the output is not wanted and its work is skipped).
 */
export function optionalOutput(name: string, v: unknown, length: number, alloc: (n: number) => Float32Array): Float32Array | null {
  if (v === null) return null;
  if (v === undefined) return alloc(length);
  return checkF32(name, v, length);
}

type Named = Record<string, Float32Array | null | undefined>;

/**
 * Outputs must not share memory with each other or with any of `inputs` (nulls and undefineds
 * skipped). Inputs may overlap each other: they are only read.
 */
export function checkOutputsApart(outputs: Named, inputs: Named): void {
  checkDisjoint(outputs);
  for (const [on, o] of Object.entries(outputs)) {
    if (!o) continue;
    for (const [iname, i] of Object.entries(inputs)) if (i) checkNoOverlap(on, o, iname, i);
  }
}
