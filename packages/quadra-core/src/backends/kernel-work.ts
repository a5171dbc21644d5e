/**
 * The work one kernel call does, from its arguments: floating-point operations for the kernels
 * that are bound by arithmetic (GEMMs, convolutions), bytes moved for the rest (every buffer
 * argument read or written once, the least traffic the call can have). The profiler turns these
 * into GFLOP/s and GB/s. A multiply-add counts as two operations, as in the bench's floor.
 */
import type { ConvShape, GemmDims, LinearDims } from '@quadranet/lib';
import type { KernelName } from '../kernels/names.js';

export interface KernelWork {
  flops?: number;
  bytes?: number;
}

const linear = (d: LinearDims) => 2 * d.rows * d.inFeatures * d.outFeatures;
/** One k×k depthwise conv over the shape: a multiply-add per tap and output. */
const dw = (s: ConvShape, k: number) => 2 * k * k * s.n * s.h * s.w * s.c;

type Counter = (args: unknown[]) => number;

/** Operations per call of the arithmetic-bound kernels. */
const FLOPS: Partial<Record<KernelName, Counter>> = {
  Gemm: (a) => {
    const d = a[3] as GemmDims;
    return 2 * d.m * d.n * d.k;
  },
  Linear: (a) => linear(a[4] as LinearDims),
  LinearPacked: (a) => linear(a[4] as LinearDims),
  // dx and dw, each a product of the forward's size, when asked for
  LinearGrad: (a) => linear(a[3] as LinearDims) * ((a[4] ? 1 : 0) + (a[5] ? 1 : 0)),
  // three convs, then A·B + C
  QuadConv2d: (a) => 3 * dw(a[1] as ConvShape, a[2] as number) + 2 * elems(a[1] as ConvShape),
  // dx and dw of the three convs (six products of one conv's size), plus A and B recomputed when
  // they were not saved
  QuadConv2dGrad: (a) => (6 + (a[5] ? 0 : 2)) * dw(a[1] as ConvShape, a[2] as number),
  DwConv2d: (a) => dw(a[1] as ConvShape, a[2] as number),
  DwConv2dGrad: (a) => 2 * dw(a[1] as ConvShape, a[2] as number),
};

function elems(s: ConvShape): number {
  return s.n * s.h * s.w * s.c;
}

/** Bytes of every typed-array argument (and of the arrays inside object arguments, one level deep). */
function bufferBytes(args: unknown[]): number {
  let bytes = 0;
  for (const a of args) {
    if (ArrayBuffer.isView(a)) bytes += a.byteLength;
    else if (a && typeof a === 'object' && !Array.isArray(a)) {
      for (const v of Object.values(a)) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
    }
  }
  return bytes;
}

/** The work of one call of `kernel` with `args` (cpu buffers; device buffers count no bytes). */
export function kernelWork(kernel: KernelName, args: unknown[]): KernelWork {
  const f = FLOPS[kernel];
  if (f) return { flops: f(args) };
  const bytes = bufferBytes(args);
  return bytes > 0 ? { bytes } : {};
}
