/**
 * The kernel profiler. Per kernel name: calls, milliseconds spent inside it, and the work done
 * (floating-point operations for GEMMs and convolutions, bytes moved for the rest: kernel-work.ts),
 * from which the report derives the mean time, GFLOP/s or GB/s, and the share of the wall time.
 * What kernels leave of the wall time is spent outside them (op bookkeeping, allocation, JS).
 *
 * Two ways to turn it on:
 * - `profileKernels(fn)` runs `fn` (synchronously) under the profiler and returns the figures;
 * - `QUADRA_PROFILE=1` profiles the whole process and prints the table to stderr when it exits,
 *   `QUADRA_PROFILE=file.json` writes the same as JSON (for any program: `quadra train`, a bench).
 * Off, dispatch returns the plain kernel tables: the cost is one array-length test per op.
 *
 * cuda kernels are asynchronous, so under the profiler each one is followed by a device
 * synchronize: the figures are then per-kernel times, and the run as a whole is slower.
 */
import { writeFileSync } from 'node:fs';
import { envProfile } from '@quadranet/lib';
import { QuadraError } from '../errors.js';
import type { AnyKernelTable, KernelName } from '../kernels/names.js';
import { kernelWork } from './kernel-work.js';

export interface KernelTime {
  kernel: KernelName;
  calls: number;
  ms: number;
  /** Floating-point operations of all calls (GEMMs and convolutions; 0 for the others). */
  flops: number;
  /** Bytes of the buffers the calls read and wrote (the memory-bound kernels; 0 for the others). */
  bytes: number;
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
type Times = Map<KernelName, KernelTime>;

/** Every running recorder (the process-wide one of QUADRA_PROFILE, a profileKernels call). */
const recorders: Times[] = [];
let scoped: Times | null = null;
let envChecked = false;
/** One timed twin per kernel table, recording into whichever recorders run at the call. */
const twins = new WeakMap<object, AnyKernelTable>();

/** The table to dispatch to: `table` itself, or its timed twin while a profile is running. */
export function profiled(table: AnyKernelTable, isCuda: boolean, synchronize: () => void): AnyKernelTable {
  if (!envChecked) startFromEnv();
  if (recorders.length === 0) return table;
  let w = twins.get(table);
  if (!w) twins.set(table, (w = timedTwin(table, isCuda, synchronize)));
  return w;
}

function timedTwin(table: AnyKernelTable, isCuda: boolean, synchronize: () => void): AnyKernelTable {
  const out: Record<string, AnyFn> = {};
  for (const [name, fn] of Object.entries(table) as [KernelName, AnyFn][]) {
    out[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const r = fn(...args);
      if (isCuda) synchronize();
      const dt = performance.now() - t0;
      const work = kernelWork(name, args);
      for (const rec of recorders) {
        let e = rec.get(name);
        if (!e) rec.set(name, (e = { kernel: name, calls: 0, ms: 0, flops: 0, bytes: 0 }));
        e.calls++;
        e.ms += dt;
        e.flops += work.flops ?? 0;
        e.bytes += work.bytes ?? 0;
      }
      return r;
    };
  }
  return out as unknown as AnyKernelTable;
}

const sorted = (times: Times) => [...times.values()].sort((a, b) => b.ms - a.ms);

/** Runs `fn` (synchronously) and reports where its time went, kernel by kernel. Profiles do not nest. */
export function profileKernels<T>(fn: () => T): KernelProfile<T> {
  if (scoped) throw new QuadraError('QUADRA_PROFILE_NESTED', 'profileKernels: a profile is already running (profiles do not nest)');
  const rec: Times = new Map();
  scoped = rec;
  recorders.push(rec);
  const t0 = performance.now();
  let result: T;
  try {
    result = fn();
  } finally {
    scoped = null;
    recorders.splice(recorders.indexOf(rec), 1);
  }
  const totalMs = performance.now() - t0;
  const kernels = sorted(rec);
  return { result, totalMs, kernelMs: kernels.reduce((s, k) => s + k.ms, 0), kernels };
}

/** One row of a report: the recorded sums and what follows from them. */
export interface KernelRow extends KernelTime {
  meanMs: number;
  /** GFLOP/s for the arithmetic-bound kernels, else null. */
  gflops: number | null;
  /** GB/s for the memory-bound kernels, else null. */
  gbs: number | null;
  /** Fraction of the wall time spent in this kernel. */
  share: number;
}

export interface ProfileReport {
  totalMs: number;
  kernelMs: number;
  /** Wall time outside every kernel. */
  outsideMs: number;
  kernels: KernelRow[];
}

/** Means, rates and shares for a profile (profileKernels' result or the process-wide one). */
export function profileReport(p: { totalMs: number; kernels: readonly KernelTime[] }): ProfileReport {
  const kernelMs = p.kernels.reduce((s, k) => s + k.ms, 0);
  const kernels = p.kernels.map((k) => ({
    ...k,
    meanMs: k.ms / k.calls,
    gflops: k.flops > 0 && k.ms > 0 ? k.flops / k.ms / 1e6 : null,
    gbs: k.flops === 0 && k.bytes > 0 && k.ms > 0 ? k.bytes / k.ms / 1e6 : null,
    share: p.totalMs > 0 ? k.ms / p.totalMs : 0,
  }));
  return { totalMs: p.totalMs, kernelMs, outsideMs: Math.max(0, p.totalMs - kernelMs), kernels };
}

/** The report as a fixed-width table (kernel, calls, total, mean, rate, share), most time first. */
export function formatProfile(p: { totalMs: number; kernels: readonly KernelTime[] }): string {
  const r = profileReport(p);
  const rate = (k: KernelRow) => (k.gflops !== null ? `${k.gflops.toFixed(1)} GFLOP/s` : k.gbs !== null ? `${k.gbs.toFixed(1)} GB/s` : '');
  const rows = r.kernels.map((k) => [k.kernel, String(k.calls), k.ms.toFixed(2), (k.meanMs * 1e3).toFixed(1), rate(k), `${(100 * k.share).toFixed(1)} %`]);
  rows.push(['(outside kernels)', '', r.outsideMs.toFixed(2), '', '', `${(100 * (r.totalMs > 0 ? r.outsideMs / r.totalMs : 0)).toFixed(1)} %`]);
  const head = ['kernel', 'calls', 'total ms', 'mean µs', 'rate', 'share'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`kernel profile: ${r.totalMs.toFixed(1)} ms wall, ${r.kernelMs.toFixed(1)} ms in kernels`, line(head), ...rows.map(line)].join('\n');
}

/** QUADRA_PROFILE: a recorder for the whole process, reported when it exits. */
function startFromEnv(): void {
  envChecked = true;
  const target = envProfile();
  if (target === undefined) return;
  const rec: Times = new Map();
  recorders.push(rec);
  const t0 = performance.now();
  process.once('exit', () => {
    const p = { totalMs: performance.now() - t0, kernels: sorted(rec) };
    if (target === 'stderr') process.stderr.write(`${formatProfile(p)}\n`);
    else writeFileSync(target, `${JSON.stringify(profileReport(p), null, 1)}\n`);
  });
}
