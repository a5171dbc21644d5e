import { ArgumentError, DTypeError } from './errors.js';
import type { KernelSignatures } from './kernel-table.js';
import { nativeOrNull } from './native.js';
import { referenceKernels } from './reference/index.js';

/** Runs a native call, re-raising its TypeError/RangeError as the matching typed error. */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : String(err);
    if (code === 'QUADRA_INVALID_TYPE') throw new DTypeError(message);
    if (code === 'QUADRA_INVALID_ARGUMENT') throw new ArgumentError(message);
    throw err;
  }
}

/**
 * Runs `fn` on the kernel table lib's checked functions use: quadra.node's `kernels`, or the
 * reference kernels when QUADRA_BACKEND=reference (a module that fails to load is an error).
 */
export function runKernel<T>(fn: (k: KernelSignatures<Float32Array>) => T): T {
  const native = nativeOrNull();
  const k: KernelSignatures<Float32Array> = native ? native.kernels : referenceKernels;
  return callNative(() => fn(k));
}
