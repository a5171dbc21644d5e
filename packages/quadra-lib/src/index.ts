/**
 * @quadranet/lib — QuadraLib's kernels for Node.js: the fused quadratic depthwise convolution,
 * the plain depthwise convolution, and the dense kernels the tensor core runs on (GEMM/linear,
 * layer norm, GELU, elementwise/broadcast, reductions, softmax, data movement, optimizer steps); float32, zero-copy over
 * Float32Array.
 */
export { quadconv2d, quadconv2dBackward, dwconv2d, dwconv2dBackward, im2col, col2im } from './conv.js';
export { gemm, type GemmOptions } from './dense.js';
export {
  linear, linearBackward, type LinearDims, type LinearOptions, type LinearBackwardOptions, type LinearGrads,
} from './dense.js';
export { linearPackedLength, packLinear, linearPacked, type LinearPackedOptions } from './dense.js';
export {
  layerNorm, layerNormBackward, type LayerNormOptions, type LayerNormResult, type LayerNormBackwardOptions,
  type LayerNormGrads,
} from './dense.js';
export { gelu, geluBackward, biasGelu, biasGeluBackward, type GeluOptions, type BiasGeluOptions, type BiasGeluBackwardOptions } from './elementwise.js';
export { binary, scale, axpy, rowScale, type BinaryOpName, type BroadcastMode } from './elementwise.js';
export { scaleAdd, scaleAddBackward, type ScaleAddBackwardOptions, type ScaleAddGrads } from './elementwise.js';
export { sumRows } from './reduce.js';
export { broadcastBinary, broadcastShape } from './elementwise.js';
export { reduceSum } from './reduce.js';
export { permute, copyWindow, roll, gather, scatterAdd, MAX_DIMS } from './layout.js';
export {
  softmax, softmaxBackward, crossEntropy, crossEntropyBackward, type SoftmaxOptions, type SoftmaxBackwardOptions,
  type CrossEntropyOptions, type CrossEntropyBackwardOptions,
} from './softmax.js';
export { adamwStep, sgdStep, type AdamWOptions, type SgdOptions } from './optim.js';
export { info, formatInfo, setThreads, setGemmSplit, limitSimd, fmaPeakGflops, type QuadraInfo } from './info.js';
export { allocFloat32 } from './alloc.js';
export { nativeKernels } from './call-native.js';
export { loadNative, requireNative, nativeLoadError, type NativeModule } from './native.js';
export {
  QuadraError, ArgumentError, ShapeError, DTypeError, NativeLoadError, CudaUnavailableError, DistUnavailableError, EnvironmentError,
} from './errors.js';
export {
  ENV_VARIABLES, checkEnv, envBackend, envThreads, envCuda, envCudaDevice, envPoolMb, envNativeBuild, envProfile, type EnvVariable,
} from './env.js';
export { checkOptionKeys, checkOptions, optionKeys } from './options.js';
export { loadCuda, cudaStatus, cudaModulePaths } from './cuda/load.js';
export type { DeviceArray, CudaStatus, CudaMemory, CudaBackend, CudaKernelTable, CudaNccl } from './cuda/api.js';
export { loadDist, distModulePaths } from './collectives/load.js';
export type { DistConnectOptions, DistNativeModule, NativeGroup } from './collectives/load.js';
export { KERNEL_NAMES } from './kernel-table.js';
export type {
  KernelSignatures, KernelName, Conv2dGeom, AdamWParams, SgdParams, GemmDims, BinaryOp, BinaryMode, LinearAct,
} from './kernel-table.js';
export { MAX_KERNEL } from './validate.js';
export type * from './types.js';
