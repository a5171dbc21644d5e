/**
 * Per-kernel wall time: `profileKernels(fn)` runs `fn` with every dispatched kernel wrapped in a
 * timer and returns, per kernel name, the calls and milliseconds spent inside it; what is left of
 * the total is the time spent outside kernels (op bookkeeping, allocation, JS). cuda kernels are
 * asynchronous, so under the profiler each one is followed by a device synchronize: the figures
 * are then per-kernel times, and the run as a whole is slower than without the profiler.
 */
import { QuadraError } from '../errors.js';
import type { AnyKernelTable, KernelName } from '../kernels/names.js';

export interface KernelTime {
  kernel: KernelName;
  calls: number;
  ms: number;
}

export interface KernelProfile<T> {
  result: T;
  /** Wall time of the whole `fn`. */
  totalMs: number;
  /** Sum of the kernels' times. */
  kernelMs: number;
  /** Per kernel, most time first. */
  kernels: KernelTime[];
}

type AnyFn = (...args: unknown[]) => unknown;

interface Recorder {
  times: Map<KernelName, KernelTime>;
  wrapped: WeakMap<object, AnyKernelTable>;
}

let active: Recorder | null = null;

/** The table to dispatch to: `table` itself, or its timed twin while a profile is running. */
export function profiled(table: AnyKernelTable, isCuda: boolean, synchronize: () => void): AnyKernelTable {
  const rec = active;
  if (!rec) return table;
  let w = rec.wrapped.get(table);
  if (w) return w;
  const out: Record<string, AnyFn> = {};
  for (const [name, fn] of Object.entries(table) as [KernelName, AnyFn][]) {
    out[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const r = fn(...args);
      if (isCuda) synchronize();
      const dt = performance.now() - t0;
      let e = rec.times.get(name);
      if (!e) rec.times.set(name, (e = { kernel: name, calls: 0, ms: 0 }));
      e.calls++;
      e.ms += dt;
      return r;
    };
  }
  w = out as unknown as AnyKernelTable;
  rec.wrapped.set(table, w);
  return w;
}

/** Runs `fn` (synchronously) and reports where its time went, kernel by kernel. Profiles do not nest. */
export function profileKernels<T>(fn: () => T): KernelProfile<T> {
  if (active) throw new QuadraError('QUADRA_PROFILE_NESTED', 'profileKernels: a profile is already running (profiles do not nest)');
  const rec: Recorder = { times: new Map(), wrapped: new WeakMap() };
  active = rec;
  const t0 = performance.now();
  let result: T;
  try {
    result = fn();
  } finally {
    active = null;
  }
  const totalMs = performance.now() - t0;
  const kernels = [...rec.times.values()].sort((a, b) => b.ms - a.ms);
  return { result, totalMs, kernelMs: kernels.reduce((s, k) => s + k.ms, 0), kernels };
}
