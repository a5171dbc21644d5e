/**
 * @quadranet/core — NHWC float32 tensors with a dynamic autograd tape, ops dispatched by kernel
 * name to the native (SIMD C++), reference (TypeScript) or cuda backend by the tensors' device,
 * nn layers, optimizers and io.
 */
export { Tensor, empty, emptyLike, fromArray, type NestedArray } from './tensor.js';
export type { DType, FArray, Buf } from './dtype.js';
export { DEVICES, type Device } from './device.js';
export { memory, resetPeak, emptyCache, type DeviceMemory } from './memory.js';
export { moveTo } from './transfer.js';
export { scope, keep } from './scope.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad-mode.js';
export type { BackwardOptions } from './autograd/backward.js';
export { Generator, defaultGenerator, manualSeed, type GeneratorState } from './random.js';
export {
  setBackend, getBackend, supportMatrix, kernels, kernelBackend, deviceAvailability, requireDevice, synchronize, type BackendName, type KernelSupport,
} from './backends/dispatch.js';
export { formatProfile, profileKernels, profileReport, type KernelProfile, type KernelRow, type KernelTime, type ProfileReport } from './backends/profile.js';
export { KERNEL_NAMES, type KernelName, type KernelTable, type AnyKernelTable } from './kernels/names.js';
export * from './ops/index.js';
export {
  QuadraError, ArgumentError, ShapeError, DTypeError, EnvironmentError, DeviceError, BackendUnavailableError, DisposedError, DistError,
  checkOptionKeys, optionKeys,
} from './errors.js';
export * from './io/index.js';
export * as nn from './nn/index.js';
export * as distributed from './distributed/index.js';
export * as optim from './optim/index.js';
export { VERSION } from './version.js';
