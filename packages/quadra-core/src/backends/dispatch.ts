/**
 * Kernel dispatch by device and dtype. cpu/float32 goes to the native module's kernels (it has
 * every one); float64 always runs on the reference backend, which
 * exists for gradient checks. `QUADRA_BACKEND=reference` or `setBackend('ref')` forces the reference
 * for cpu tensors. cuda tensors go to the CUDA module's kernels (loaded on first use; when it cannot
 * load, a BackendUnavailableError carries the reason).
 */
import { envBackend, nativeLoadError, type CudaStatus } from '@quadranet/lib';
import type { DType } from '../dtype.js';
import type { Device } from '../device.js';
import { ArgumentError, BackendUnavailableError } from '../errors.js';
import { KERNEL_NAMES, type AnyKernelTable, type KernelName } from '../kernels/names.js';
import { cpuKernels } from './cpu/index.js';
import { cudaAvailability, cudaKernels, cudaRuntime, implementedCudaKernels } from './cuda/index.js';
import { refKernels } from './ref/index.js';
import { profiled } from './profile.js';

export type BackendName = 'cpu' | 'ref';

/** setBackend's choice; undefined until set or first read from QUADRA_BACKEND (an EnvironmentError when bogus). */
let forcedChoice: BackendName | null | undefined;
const forced = (): BackendName | null => (forcedChoice === undefined ? (forcedChoice = envBackend() === 'reference' ? 'ref' : null) : forcedChoice);
/** Forces every float32 cpu op onto the reference backend ('ref') or back to native ('cpu'). */
export function setBackend(name: BackendName): void {
  if (name !== 'cpu' && name !== 'ref') throw new ArgumentError(`setBackend: name must be 'cpu' or 'ref', got ${JSON.stringify(name)}`);
  forcedChoice = name === 'ref' ? 'ref' : null;
}

export function getBackend(): BackendName {
  return forced() ?? ((nativeLoadError() === null) ? 'cpu' : 'ref');
}

/** Which table `kernels(t)` returns for tensors like `t`: 'cuda', 'ref' (float64 or forced) or 'cpu'. */
export function kernelBackend(t: { device: Device; dtype: DType }): 'cpu' | 'ref' | 'cuda' {
  if (t.device === 'cuda') return 'cuda';
  return t.dtype === 'float64' || forced() === 'ref' ? 'ref' : 'cpu';
}

/**
 * The kernel table for tensors of this device and dtype: host arrays for cpu, device arrays for
 * cuda (the ops hand it `tensor.buf()`, which is the matching kind).
 */
export function kernels(t: { device: Device; dtype: DType }): AnyKernelTable {
  const b = kernelBackend(t);
  if (b === 'cuda') return profiled(cudaKernels(cudaRuntime()), true, () => cudaRuntime().synchronize());
  return profiled(b === 'ref' ? refKernels : cpuKernels(), false, noSync);
}

const noSync = (): void => {};

export interface KernelSupport {
  kernel: KernelName;
  ref: boolean;
  cpu: 'native' | 'reference';
  /** The loaded CUDA module implements it (false for every kernel when cuda is unavailable). */
  cuda: boolean;
}

/** Which backend runs each kernel here, generated from the registry and the loaded modules. */
export function supportMatrix(): KernelSupport[] {
  const native = nativeLoadError() === null;
  const cuda = cudaAvailability().available ? implementedCudaKernels(cudaRuntime()) : new Set<KernelName>();
  return KERNEL_NAMES.map((kernel) => ({
    kernel,
    ref: kernel in refKernels,
    cpu: native ? 'native' : 'reference',
    cuda: cuda.has(kernel),
  }));
}

/**
 * Whether a device can hold tensors here and, if not, why (cpu always can); for cuda also the
 * module's status (device name, compute capability, ...) when it could be read. Never throws.
 */
export function deviceAvailability(device: Device): { available: boolean; reason: string; status?: CudaStatus } {
  if (device === 'cpu') return { available: true, reason: '' };
  const a = cudaAvailability();
  return a.status ? { available: a.available, reason: a.reason, status: a.status } : { available: a.available, reason: a.reason };
}

/** Throws BackendUnavailableError with the backend's reason unless `device` can be used. */
export function requireDevice(device: Device): void {
  if (device !== 'cuda') return;
  const a = cudaAvailability();
  if (!a.available) throw new BackendUnavailableError(a.reason);
}

/** Waits for the device's queued work (a no-op for cpu, whose kernels are synchronous). */
export function synchronize(device: Device = 'cuda'): void {
  if (device === 'cuda') cudaRuntime().synchronize();
}
