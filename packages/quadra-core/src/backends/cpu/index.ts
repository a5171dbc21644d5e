/** The native cpu backend: float32 kernels in SIMD C++ through @quadranet/lib. */
import type { KernelTable } from '../../kernels/names.js';
import { convCpu } from './conv.js';
import { denseCpu } from './dense.js';
import { elementwiseCpu } from './elementwise.js';
import { layoutCpu } from './layout.js';

export const cpuKernels: Partial<KernelTable> = { ...convCpu, ...denseCpu, ...elementwiseCpu, ...layoutCpu };
