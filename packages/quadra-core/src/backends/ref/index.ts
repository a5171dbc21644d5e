/**
 * The reference backend: lib's plain-TypeScript reference kernels, float32 and float64 (the one
 * oracle that lib's native and CUDA tests also compare against).
 */
import { referenceKernels } from '@quadranet/lib/reference';
import type { KernelTable } from '../../kernels/names.js';

export const refKernels: KernelTable = referenceKernels;
