/**
 * The cuda KernelTable: the CUDA module's kernels (one per kernel name, same parameters, device
 * arrays for buffers) bound to its kernel object. A name the module does not implement becomes a
 * function raising BackendUnavailableError that names the kernel, so an op fails loudly instead of
 * handing device memory to host code; `implementedCudaKernels()` feeds the support matrix.
 */
import type { CudaBackend, DeviceArray } from '@quadranet/lib';
import { BackendUnavailableError } from '../../errors.js';
import { KERNEL_NAMES, type KernelName, type KernelTable } from '../../kernels/names.js';

type AnyFn = (...args: unknown[]) => unknown;

let table: KernelTable<DeviceArray> | null = null;
let implemented: Set<KernelName> | null = null;

function build(rt: CudaBackend): void {
  const raw = rt.kernels as unknown as Record<string, unknown>;
  const out: Partial<Record<KernelName, AnyFn>> = {};
  const have = new Set<KernelName>();
  for (const name of KERNEL_NAMES) {
    const fn = raw[name];
    if (typeof fn === 'function') {
      out[name] = (fn as AnyFn).bind(raw);
      have.add(name);
    } else {
      out[name] = () => {
        throw new BackendUnavailableError(`cuda backend: kernel '${name}' is not implemented by the CUDA module; move the tensors with .to('cpu') for this op`);
      };
    }
  }
  table = out as unknown as KernelTable<DeviceArray>;
  implemented = have;
}

/** The kernel table over device arrays for a loaded runtime. */
export function cudaKernels(rt: CudaBackend): KernelTable<DeviceArray> {
  if (!table) build(rt);
  return table!;
}

/** Kernel names the loaded CUDA module implements. */
export function implementedCudaKernels(rt: CudaBackend): ReadonlySet<KernelName> {
  if (!implemented) build(rt);
  return implemented!;
}
