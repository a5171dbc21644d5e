/**
 * Kernel dispatch by device and dtype. cpu/float32 goes to the native kernels where the module
 * has them (the rest run on the reference); float64 always runs on the reference backend, which
 * exists for gradient checks. `QUADRA_BACKEND=reference` or `setBackend('ref')` forces the reference.
 */
import { nativeLoadError } from '@quadranet/lib';
import type { DType } from '../dtype.js';
import type { Device } from '../device.js';
import { ArgumentError, BackendUnavailableError } from '../errors.js';
import { KERNEL_NAMES, type KernelName, type KernelTable } from '../kernels/names.js';
import { cpuKernels } from './cpu/index.js';
import { refKernels } from './ref/index.js';

export type BackendName = 'cpu' | 'ref';

let forced: BackendName | null = process.env.QUADRA_BACKEND === 'reference' ? 'ref' : null;
let cpuTable: KernelTable | null = null;

function cpuBackend(): KernelTable {
  if (!cpuTable) {
    // A module that fails to load is an error that explains it; the reference runs only when
    // asked for (QUADRA_BACKEND=reference or setBackend('ref')).
    const err = nativeLoadError();
    if (err) throw err;
    cpuTable = { ...refKernels, ...cpuKernels };
  }
  return cpuTable;
}

/** Forces every float32 cpu op onto the reference backend ('ref') or back to native ('cpu'). */
export function setBackend(name: BackendName): void {
  if (name !== 'cpu' && name !== 'ref') throw new ArgumentError(`setBackend: name must be 'cpu' or 'ref', got ${JSON.stringify(name)}`);
  forced = name === 'ref' ? 'ref' : null;
}

export function getBackend(): BackendName {
  return forced ?? ((nativeLoadError() === null) ? 'cpu' : 'ref');
}

/** The kernel table for tensors of this device and dtype. */
export function kernels(t: { device: Device; dtype: DType }): KernelTable {
  if (t.device === 'cuda') throw new BackendUnavailableError('no cuda backend is loaded: the CUDA module is not built in this version');
  if (t.dtype === 'float64' || forced === 'ref') return refKernels;
  return cpuBackend();
}

export interface KernelSupport {
  kernel: KernelName;
  ref: boolean;
  cpu: 'native' | 'reference';
  cuda: boolean;
}

/** Which backend runs each kernel here, generated from the registry. */
export function supportMatrix(): KernelSupport[] {
  const native = nativeLoadError() === null;
  return KERNEL_NAMES.map((kernel) => ({
    kernel,
    ref: kernel in refKernels,
    cpu: native && kernel in cpuKernels ? 'native' : 'reference',
    cuda: false,
  }));
}
