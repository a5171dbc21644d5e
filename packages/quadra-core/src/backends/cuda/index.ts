/** The cuda backend: device memory and kernels from the CUDA module of @quadranet/lib. */
export { cudaRuntime, cudaRuntimeIfLoaded, cudaAvailability } from './runtime.js';
export { cudaKernels, implementedCudaKernels } from './kernels.js';
