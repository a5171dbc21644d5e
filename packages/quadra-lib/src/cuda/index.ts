export type {
  DeviceArray, CudaStatus, CudaMemory, CudaBackend, CudaKernelTable, BinaryOp, BinaryMode, GemmDims, LinearDims,
  Conv2dGeom, AdamWParams, SgdParams,
} from './api.js';
export { loadCuda, cudaStatus, cudaModulePaths, type CudaNativeModule } from './load.js';
