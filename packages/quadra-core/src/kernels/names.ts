/**
 * The one table of kernel names and their signatures. Every backend implements kernels by these
 * names (ops never call a backend any other way); `supportMatrix()` is generated from it.
 * Buffers are the storage arrays of the tensors involved (`B`: FArray for the cpu and ref backends,
 * DeviceArray for cuda); shapes and attributes are plain values, index arrays stay host Int32Arrays.
 */
import type { KernelSignatures } from '@quadranet/lib';
import type { Buf, FArray } from '../dtype.js';

export type {
  BinaryOp, BinaryMode, GemmDims, LinearDims, Conv2dGeom, AdamWParams, SgdParams,
} from '@quadranet/lib';

/** The kernel signatures over host arrays (cpu, ref) or device arrays (cuda): defined once in lib. */
export type KernelTable<B = FArray> = KernelSignatures<B>;

export type { KernelName } from '@quadranet/lib';

/** What ops dispatch through: a kernel table over whichever buffer kind the tensors' device holds. */
export type AnyKernelTable = KernelTable<Buf>;

/** Every kernel name, derived in lib from the signature table (a missing one fails to compile). */
export { KERNEL_NAMES } from '@quadranet/lib';
