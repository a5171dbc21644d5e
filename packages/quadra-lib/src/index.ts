/**
 * @quadranet/lib — QuadraLib's kernels for Node.js: the fused quadratic depthwise convolution
 * and the plain depthwise convolution, NHWC float32, zero-copy over Float32Array.
 */
export { quadconv2d, quadconv2dBackward } from './quadconv.js';
export { dwconv2d, dwconv2dBackward } from './dwconv.js';
export { info, setThreads, limitSimd, fmaPeakGflops, type QuadraInfo } from './info.js';
export { allocFloat32 } from './alloc.js';
export { loadNative, requireNative, nativeLoadError, type NativeModule } from './native.js';
export { QuadraError, ArgumentError, ShapeError, DTypeError, NativeLoadError } from './errors.js';
export { MAX_KERNEL } from './validate.js';
export type * from './types.js';
