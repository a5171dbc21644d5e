/**
 * The native cpu backend: lib's `nativeKernels()` (quadra.node's `kernels` with typed errors),
 * bound by name; shapes with more axes than the native kernels take (MAX_DIMS) run on the
 * reference kernels instead.
 */
import { MAX_DIMS, nativeKernels, type KernelName } from '@quadranet/lib';
import { referenceKernels } from '@quadranet/lib/reference';
import type { KernelTable } from '../../kernels/names.js';

type AnyFn = (...args: unknown[]) => unknown;

/** Kernels taking N-d shapes, and the argument whose rank the native kernel is limited in. */
const RANK_ARG: Partial<Record<KernelName, number>> = {
  BroadcastBinary: 6, ReduceSum: 1, Permute: 1, CopyWindow: 1, Roll: 1, Gather: 1,
};

let table: KernelTable | null = null;

/** The cpu kernel table; throws the NativeLoadError that explains a module that did not load. */
export function cpuKernels(): KernelTable {
  if (table) return table;
  const native = nativeKernels() as unknown as Record<KernelName, AnyFn>;
  const ref = referenceKernels as unknown as Record<KernelName, AnyFn>;
  const out = { ...native };
  for (const [name, rankArg] of Object.entries(RANK_ARG) as [KernelName, number][]) {
    const fn = native[name];
    out[name] = (...args) => ((args[rankArg] as readonly number[]).length > MAX_DIMS ? ref[name] : fn)(...args);
  }
  // The cpu backend is only handed float32 buffers (float64 tensors dispatch to the reference).
  table = out as unknown as KernelTable;
  return table;
}
