import { createRequire } from 'node:module';

import { envBackend } from './env.js';
import { ArgumentError } from './errors.js';
import { cudaStatus } from './cuda/load.js';
import { nativeLoadError, requireNative } from './native.js';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

export interface QuadraInfo {
  /** Version of @quadranet/lib. */
  version: string;
  /**
   * 'native' (quadra.node loaded), 'reference' (QUADRA_BACKEND=reference: plain TypeScript kernels),
   * or 'unavailable' (the module did not load: kernel calls throw `nativeError`).
   */
  backend: 'native' | 'reference' | 'unavailable';
  /** SIMD target the kernels dispatch to at run time (e.g. AVX3, AVX2, SSE4, NEON, SVE). */
  simd: string;
  /** Target of the depthwise/quadratic conv kernels: NEON on SVE CPUs (built without SVE), else `simd`. */
  convSimd: string;
  /** Targets compiled into the binary and supported by this CPU, best first. */
  simdSupported: string[];
  /** OpenMP threads the kernels use (QUADRA_NUM_THREADS, default: one per core). */
  threads: number;
  /** GEMM provider of the native module and its version (e.g. 'onednn 2.6.3'); 'reference' without it. */
  gemm: string;
  /**
   * Whether GEMMs are split across the kernel threads by our code (one block of columns or rows per
   * thread, each on the provider's single-threaded GEMM; the default on oneDNN builds) or threaded by
   * the provider (OpenBLAS builds always leave it to OpenBLAS).
   */
  gemmSplit: boolean;
  /** Why the native module is not loaded, when it is not. */
  nativeError?: string;
  cuda: { available: boolean; reason: string };
}

/** What this process runs on: version, backend, SIMD target, threads, CUDA status. */
export function info(): QuadraInfo {
  const native = nativeLoadError() === null ? requireNative() : null;
  // The CUDA module (quadra_cuda.node) is loaded here, on request, never at import.
  const st = cudaStatus();
  const cuda = { available: st.available, reason: st.reason };
  if (!native) {
    return {
      version: pkg.version, backend: envBackend() === 'reference' ? 'reference' : 'unavailable', simd: 'none (reference TypeScript kernels)', convSimd: 'none', simdSupported: [],
      threads: 1, gemm: 'reference', gemmSplit: false, nativeError: nativeLoadError()?.message, cuda,
    };
  }
  const n = native.info();
  return { version: pkg.version, backend: 'native', simd: n.simd, convSimd: n.convSimd ?? n.simd, simdSupported: n.simdSupported, threads: n.threads, gemm: n.gemm, gemmSplit: n.gemmSplit, cuda };
}

/** Sets the number of kernel threads (0 = one per core). Returns the number now in use. */
export function setThreads(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 4096) throw new ArgumentError(`setThreads: n must be an integer in [0, 4096] (0: one per core), got ${n}`);
  return nativeLoadError() === null ? requireNative().setThreads(n) : 1;
}

/**
 * Chooses who threads a GEMM: `true` (default) splits it into one block of C per kernel thread,
 * each computed by the provider's single-threaded GEMM; `false` hands the whole product to the
 * provider's own threading (oneDNN's was up to 2.4x slower on the small-row products of a batch-1
 * inference, bench/RESULTS.md "GEMM split"). For comparisons; returns the setting now in force.
 */
export function setGemmSplit(on: boolean): boolean {
  if (typeof on !== 'boolean') throw new ArgumentError(`setGemmSplit: on must be a boolean, got ${typeof on}`);
  return nativeLoadError() === null ? requireNative().setGemmSplit(on) : false;
}

/**
 * Restricts run-time dispatch to `target` and worse ones (e.g. 'AVX2', 'SSE4'), for tests and
 * comparisons; '' restores the best. Returns the target now picked.
 */
export function limitSimd(target: string): string {
  if (typeof target !== 'string') throw new ArgumentError('target: expected a string');
  const native = requireNative();
  try {
    return native.limitSimd(target);
  } catch (err) {
    throw new ArgumentError(err instanceof Error ? err.message : String(err));
  }
}

/** Measured fp32 FMA peak of this machine on all kernel threads, GFLOP/s. */
export function fmaPeakGflops(seconds = 0.3): number {
  return requireNative().fmaPeak(seconds);
}

const BACKEND_NOTE: Record<QuadraInfo['backend'], string> = {
  native: 'native module loaded',
  reference: 'reference kernels only',
  unavailable: 'native module did not load',
};

/**
 * `info()` as the lines `quadra-lib info` and `quadra info` print: version, backend, SIMD target,
 * threads, GEMM provider, CUDA status, then why the native module did not load, if it did not.
 */
export function formatInfo(i: QuadraInfo): string {
  const lines = [
    `@quadranet/lib ${i.version}`,
    `  backend : ${i.backend} (${BACKEND_NOTE[i.backend]})`,
    `  simd    : ${i.simd}${i.simdSupported.length ? ` (supported: ${i.simdSupported.join(', ')})` : ''}`,
  ];
  // Only a loaded module has a conv target of its own; without one both read "none".
  if (i.backend === 'native' && i.convSimd !== i.simd) lines.push(`  conv    : ${i.convSimd} (the depthwise/quadratic conv kernels are built without SVE)`);
  lines.push(
    `  threads : ${i.threads}`,
    `  gemm    : ${i.gemm ?? 'none (reference)'}`,
    `  cuda    : ${i.cuda.available ? 'available' : `unavailable (${i.cuda.reason})`}`,
  );
  if (i.nativeError) lines.push('', i.nativeError);
  return lines.join('\n');
}
