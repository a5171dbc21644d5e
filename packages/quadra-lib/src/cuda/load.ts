/**
 * Loading quadra_cuda.node, explicitly (never at import of @quadranet/lib): from
 * build/Release/cuda/ (a source build) or prebuilds/<platform>-<arch>/cuda/ under the package root.
 * It lives in a sub-folder so that node-gyp-build never takes it for the CPU module.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

import { envCuda, envCudaDevice } from '../env.js';
import { ArgumentError, CudaUnavailableError, EnvironmentError } from '../errors.js';
import { optionalModulePaths, packageRoot } from '../native.js';
import type { CudaBackend, CudaKernelTable, CudaMemory, CudaStatus, DeviceArray } from './api.js';
import { CudaArray, checkLength, isWholeAllocation } from './device-array.js';

/** The raw surface of quadra_cuda.node (native/cuda/binding). Arguments are checked in C++. */
export interface CudaNativeModule {
  status(): CudaStatus;
  alloc(length: number, zero: boolean): object;
  release(handle: object): void;
  upload(dst: DeviceArray, src: Float32Array): void;
  download(src: DeviceArray, dst: Float32Array): void;
  copy(src: DeviceArray, dst: DeviceArray): void;
  fill(dst: DeviceArray, value: number): void;
  memory(): CudaMemory & { mallocs: number };
  resetPeak(): void;
  emptyCache(): void;
  synchronize(): void;
  kernels: CudaKernelTable;
  version: string;
  ncclStatus(): { available: boolean; reason: string };
  ncclUniqueId(): Uint8Array;
  ncclInit(id: Uint8Array, rank: number, size: number): object;
  ncclAllReduce(comm: object, x: DeviceArray): void;
  ncclBroadcast(comm: object, x: DeviceArray, root: number): void;
  ncclDestroy(comm: object): void;
}

const require = createRequire(import.meta.url);

/**
 * Where quadra_cuda.node may be, in the order tried; none with QUADRA_CUDA=off (a cpu-only
 * process that never touches the driver, and how the tests take the no-module path on any machine).
 */
export function cudaModulePaths(root: string = packageRoot): string[] {
  if (envCuda() === 'off') return [];
  envCudaDevice();
  return optionalModulePaths('cuda', 'quadra_cuda.node', root);
}

type LoadState = { module: CudaNativeModule; error: null } | { module: null; error: CudaUnavailableError };
let state: LoadState | undefined;

function loadModule(): LoadState {
  if (state) return state;
  const paths = cudaModulePaths();
  const file = paths.find((p) => existsSync(p));
  if (!file) {
    const reason = envCuda() === 'off'
      ? 'no CUDA module: QUADRA_CUDA=off'
      : 'no CUDA module: quadra_cuda.node was not built or shipped for this platform';
    state = {
      module: null,
      error: new CudaUnavailableError(reason, [
        `@quadranet/lib: ${reason} (${process.platform}-${process.arch}).`,
        `  looked in: ${paths.join(', ')}`,
        '  it is built only on x86-64 when nvcc (CUDA 12/13) is present: pnpm --filter @quadranet/lib build:native',
      ].join('\n')),
    };
    return state;
  }
  try {
    state = { module: require(file) as CudaNativeModule, error: null };
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const reason = `loading ${file} failed: ${detail}`;
    state = {
      module: null,
      error: new CudaUnavailableError(reason, `@quadranet/lib: the CUDA module did not load: ${reason}\n  rebuild it: pnpm --filter @quadranet/lib build:native`, { cause: err }),
    };
  }
  return state;
}

/** The CUDA status: never throws. Without a module, GPU or driver, `available` is false with the reason. */
export function cudaStatus(): CudaStatus {
  let s: LoadState;
  try {
    s = loadModule();
  } catch (err) {
    // A bad QUADRA_CUDA / QUADRA_CUDA_DEVICE: the status says why; loadCuda() throws it.
    if (err instanceof EnvironmentError) return { available: false, reason: err.message };
    throw err;
  }
  if (!s.module) return { available: false, reason: s.error.reason };
  try {
    return s.module.status();
  } catch (err) {
    return { available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

let backend: CudaBackend | undefined;

/**
 * The CUDA backend (one per process; device 0 or QUADRA_CUDA_DEVICE). Throws CudaUnavailableError
 * saying why when there is no module, it does not load, or there is no usable GPU/driver.
 */
export function loadCuda(): CudaBackend {
  if (backend) return backend;
  const s = loadModule();
  if (!s.module) throw s.error;
  const native = s.module;
  const st = native.status();
  if (!st.available) {
    throw new CudaUnavailableError(st.reason, `@quadranet/lib: the CUDA backend cannot be used: ${st.reason}`);
  }
  backend = {
    status: () => native.status(),
    alloc(length: number, zero = false): DeviceArray {
      const n = checkLength('length', length);
      return new CudaArray(native.alloc(n, zero === true), 0, n, n);
    },
    release(a: DeviceArray): void {
      if (!isWholeAllocation(a)) {
        throw new ArgumentError('release: expected a whole allocation as returned by alloc(), not a subarray view');
      }
      native.release(a.handle);
    },
    upload: (dst, src) => native.upload(dst, src),
    download: (src, dst) => native.download(src, dst),
    copy: (src, dst) => native.copy(src, dst),
    fill: (dst, value) => native.fill(dst, value),
    memory(): CudaMemory {
      const m = native.memory();
      return { live: m.live, pooled: m.pooled, peak: m.peak, count: m.count };
    },
    resetPeak: () => native.resetPeak(),
    emptyCache: () => native.emptyCache(),
    synchronize: () => native.synchronize(),
    kernels: native.kernels,
    nccl: {
      status: () => native.ncclStatus(),
      uniqueId: () => native.ncclUniqueId(),
      init: (id, rank, size) => native.ncclInit(id, rank, size),
      allReduce: (comm, x) => native.ncclAllReduce(comm, x),
      broadcast: (comm, x, root) => native.ncclBroadcast(comm, x, root),
      destroy: (comm) => native.ncclDestroy(comm),
    },
  };
  return backend;
}

/** @internal The raw module (tests: cudaMalloc counts); null when it did not load. */
export function cudaNativeOrNull(): CudaNativeModule | null {
  return loadModule().module;
}
