/**
 * The native cpu backend: quadra.node's `kernels` object, bound by name (the signatures every
 * backend shares). Its errors become lib's typed errors; shapes with more axes than the native
 * kernels take (MAX_DIMS) run on the reference kernels instead.
 */
import { callNative, KERNEL_NAMES, MAX_DIMS, requireNative, type KernelName } from '@quadranet/lib';
import { referenceKernels } from '@quadranet/lib/reference';
import type { KernelTable } from '../../kernels/names.js';

type AnyFn = (...args: unknown[]) => unknown;

/** Kernels taking N-d shapes, and the argument whose rank the native kernel is limited in. */
const RANK_ARG: Partial<Record<KernelName, number>> = {
  BroadcastBinary: 6, ReduceSum: 1, Permute: 1, CopyWindow: 1, Roll: 1, Gather: 1,
};

let table: KernelTable | null = null;

/** The cpu kernel table (the native module must have loaded: dispatch checks that first). */
export function cpuKernels(): KernelTable {
  if (table) return table;
  const native = requireNative().kernels as unknown as Record<KernelName, AnyFn>;
  const ref = referenceKernels as unknown as Record<KernelName, AnyFn>;
  const out = {} as Record<KernelName, AnyFn>;
  for (const name of KERNEL_NAMES) {
    const fn = native[name];
    const rankArg = RANK_ARG[name];
    out[name] = rankArg === undefined
      ? (...args) => callNative(() => fn(...args))
      : (...args) => ((args[rankArg] as readonly number[]).length > MAX_DIMS ? ref[name](...args) : callNative(() => fn(...args)));
  }
  // The cpu backend is only handed float32 buffers (float64 tensors dispatch to the reference).
  table = out as unknown as KernelTable;
  return table;
}
