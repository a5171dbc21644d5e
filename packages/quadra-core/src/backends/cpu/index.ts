/** The native cpu backend: float32 kernels in SIMD C++ through @quadranet/lib. */
import type { KernelTable } from '../../kernels/names.js';
import { convCpu } from './conv.js';

export const cpuKernels: Partial<KernelTable> = { ...convCpu };
