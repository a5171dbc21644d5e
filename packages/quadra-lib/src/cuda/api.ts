/**
 * The contract of the CUDA module (quadra_cuda.node) as @quadranet/lib exposes it: device arrays,
 * status, memory, and one kernel per name of @quadranet/core's KernelTable. @quadranet/core's cuda
 * backend adapts this surface; keep the two in step (same names, same parameter order).
 */
import type { KernelSignatures } from '../kernel-table.js';

/** A view of float32 device memory: an allocation plus an element offset and length. */
export interface DeviceArray {
  readonly device: 'cuda';
  readonly length: number;      // elements in this view
  readonly offset: number;      // elements from the start of the allocation
  readonly byteLength: number;  // 4 * length
  /** The allocation (opaque native handle); views of one allocation share it. */
  readonly handle: object;
  /** A view of elements [begin, end) of this view, like Float32Array.subarray. */
  subarray(begin: number, end?: number): DeviceArray;
}

export interface CudaStatus {
  available: boolean;
  reason: string;
  device?: { name: string; computeCapability: string; multiprocessors: number; memoryBytes: number };
  runtimeVersion?: number;
  driverVersion?: number;
  cublas?: string;
}

/** Device bytes: live (handed out), pooled (cached free blocks), peak live, live allocation count. */
export interface CudaMemory { live: number; pooled: number; peak: number; count: number }

/** The CUDA backend's raw surface: memory management plus one method per kernel name of
 *  @quadranet/core's KernelTable, with the SAME parameter order and meaning, DeviceArray in place
 *  of Float32Array buffers. Int32Array arguments (labels, indices) stay host arrays. Kernels are
 *  asynchronous on the device's stream, except those that return a number and download(). */
export interface CudaBackend {
  status(): CudaStatus;
  alloc(length: number, zero?: boolean): DeviceArray;   // from the caching allocator
  release(a: DeviceArray): void;                          // whole allocations only; idempotent
  upload(dst: DeviceArray, src: Float32Array): void;
  download(src: DeviceArray, dst: Float32Array): void;    // synchronises
  copy(src: DeviceArray, dst: DeviceArray): void;
  fill(dst: DeviceArray, value: number): void;
  memory(): CudaMemory; resetPeak(): void; emptyCache(): void; synchronize(): void;
  kernels: CudaKernelTable;
  /** NCCL for data-parallel training across GPUs, loaded on first use (see CudaNccl). */
  nccl: CudaNccl;
}

/**
 * NCCL collectives on device arrays (libnccl.so.2 found at run time: QUADRA_NCCL_PATH, the
 * loader's search, the Python environment's nvidia-nccl wheel). The ops are queued on the module's
 * stream in order with the kernels. Every method but status() throws when NCCL is unavailable.
 */
export interface CudaNccl {
  status(): { available: boolean; reason: string };
  /** The 128-byte id one rank makes and hands to the others (over the CPU process group). */
  uniqueId(): Uint8Array;
  /** Joins the communicator; blocks until every rank has. */
  init(id: Uint8Array, rank: number, size: number): object;
  allReduce(comm: object, x: DeviceArray): void;
  broadcast(comm: object, x: DeviceArray, root: number): void;
  destroy(comm: object): void;
}

export type {
  BinaryOp, BinaryMode, GemmDims, LinearDims, Conv2dGeom, AdamWParams, SgdParams,
} from '../kernel-table.js';

/** One method per kernel name, the same signatures as every other backend (kernel-table.ts). */
export type CudaKernelTable = KernelSignatures<DeviceArray>;
