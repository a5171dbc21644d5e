import { allocFloat32 } from './alloc.js';
import { callNative } from './call-native.js';
import { nativeOrNull } from './native.js';
import { gemmRef } from './reference/gemm.js';
import { checkBool, checkDim, checkedProduct, checkF32, checkNoOverlap, checkNumber, checkObject } from './validate.js';

/** Sizes and flags of `gemm`: op(A) is [m, k], op(B) is [k, n], C is [m, n]. */
export interface GemmOptions {
  m: number;
  n: number;
  k: number;
  /** A is stored [k, m] and used transposed. Default false. */
  transA?: boolean;
  /** B is stored [n, k] and used transposed. Default false. */
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0: C is not read. */
  beta?: number;
}

/**
 * General matrix multiply, row-major float32: C = alpha op(A) op(B) + beta C, on the native GEMM
 * provider (`info().gemm`). `c` may be undefined to get a fresh (zeroed) one. C must not share
 * memory with A or B.
 *
 * @example
 * const c = gemm(a, b, undefined, { m: 2, n: 3, k: 4 }); // a [2, 4], b [4, 3] -> c [2, 3]
 */
export function gemm(a: Float32Array, b: Float32Array, c: Float32Array | undefined, opts: GemmOptions): Float32Array {
  const o = checkObject<GemmOptions>('opts', opts);
  const m = checkDim('opts.m', o.m), n = checkDim('opts.n', o.n), k = checkDim('opts.k', o.k);
  const transA = checkBool('opts.transA', o.transA), transB = checkBool('opts.transB', o.transB);
  const alpha = o.alpha === undefined ? 1 : checkNumber('opts.alpha', o.alpha);
  const beta = o.beta === undefined ? 0 : checkNumber('opts.beta', o.beta);
  checkF32('a', a, checkedProduct('a', m, k));
  checkF32('b', b, checkedProduct('b', k, n));
  const out = c === undefined ? allocFloat32(checkedProduct('c', m, n)) : checkF32('c', c, checkedProduct('c', m, n));
  checkNoOverlap('c', out, 'a', a);
  checkNoOverlap('c', out, 'b', b);
  const native = nativeOrNull();
  if (native) callNative(() => native.gemm(transA, transB, m, n, k, alpha, a, b, beta, out));
  else gemmRef(a, b, out, { m, n, k, transA, transB, alpha, beta });
  return out;
}
