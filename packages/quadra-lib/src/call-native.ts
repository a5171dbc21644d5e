import { ArgumentError, DTypeError } from './errors.js';
import { KERNEL_NAMES, type KernelName, type KernelSignatures } from './kernel-table.js';
import { nativeOrNull, requireNative } from './native.js';
import { referenceKernels } from './reference/index.js';

/** A native module's TypeError/RangeError (by its code) as the matching typed error; others as they are. */
function typedError(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'QUADRA_INVALID_TYPE') return new DTypeError(message);
  if (code === 'QUADRA_INVALID_ARGUMENT') return new ArgumentError(message);
  return err;
}

type AnyFn = (...args: unknown[]) => unknown;
let typed: KernelSignatures<Float32Array> | null = null;

/**
 * quadra.node's `kernels`, each re-raising the module's TypeError/RangeError as the typed error
 * (built once; a call costs one try/catch, no allocation). Throws the NativeLoadError that
 * explains a module that did not load. @quadranet/core's cpu backend binds this table.
 */
export function nativeKernels(): KernelSignatures<Float32Array> {
  if (typed) return typed;
  const raw = requireNative().kernels as unknown as Record<KernelName, AnyFn>;
  const out = {} as Record<KernelName, AnyFn>;
  for (const name of KERNEL_NAMES) {
    const fn = raw[name];
    out[name] = (...args) => {
      try {
        return fn(...args);
      } catch (err) {
        throw typedError(err);
      }
    };
  }
  typed = out as unknown as KernelSignatures<Float32Array>;
  return typed;
}

/**
 * Runs `fn` on the kernel table lib's checked functions use: quadra.node's `kernels`, or the
 * reference kernels when QUADRA_BACKEND=reference (a module that fails to load is an error).
 */
export function runKernel<T>(fn: (k: KernelSignatures<Float32Array>) => T): T {
  return fn(nativeOrNull() ? nativeKernels() : referenceKernels);
}
