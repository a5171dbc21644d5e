/** The dense family: GEMM, the linear layer and layer norm (checked user functions). */
import { allocFloat32 } from './alloc.js';
import { runKernel } from './call-native.js';
import type { GemmDims, LinearAct } from './kernel-table.js';
import { ArgumentError } from './errors.js';
import {
  checkBool, checkDim, checkedProduct, checkF32, checkNoOverlap, checkNumber, checkObject, checkOptionalF32, checkOutputsApart, checkSameOrNoOverlap, optionalOutput,
} from './validate.js';
import { checkOptions, optionKeys } from './options.js';

const GEMM_KEYS = optionKeys<GemmDims>()('m', 'n', 'k', 'transA', 'transB', 'alpha', 'beta');
const OUT_KEYS = ['out'] as const;
const LINEAR_PACKED_KEYS = optionKeys<LinearPackedOptions>()('act', 'residual', 'out');
const LINEAR_BACKWARD_KEYS = optionKeys<LinearBackwardOptions>()('dx', 'dw', 'db', 'accumulate');
const LAYER_NORM_KEYS = optionKeys<LayerNormOptions>()('out', 'mean', 'rstd');
const LAYER_NORM_BACKWARD_KEYS = optionKeys<LayerNormBackwardOptions>()('dx', 'dgamma', 'dbeta');

/** Sizes and flags of `gemm`: the Gemm kernel's own (kernel-table.ts). */
export type GemmOptions = GemmDims;

/**
 * General matrix multiply, row-major float32: C = alpha op(A) op(B) + beta C, on the native GEMM
 * provider (`info().gemm`). `c` may be undefined to get a fresh (zeroed) one. C must not share
 * memory with A or B.
 *
 * @example
 * const c = gemm(a, b, undefined, { m: 2, n: 3, k: 4 }); // a [2, 4], b [4, 3] -> c [2, 3]
 */
export function gemm(a: Float32Array, b: Float32Array, c: Float32Array | undefined, opts: GemmOptions): Float32Array {
  const o = checkOptions<GemmOptions>('gemm', 'opts', opts, GEMM_KEYS);
  const m = checkDim('opts.m', o.m), n = checkDim('opts.n', o.n), k = checkDim('opts.k', o.k);
  const transA = checkBool('opts.transA', o.transA), transB = checkBool('opts.transB', o.transB);
  const alpha = o.alpha === undefined ? 1 : checkNumber('opts.alpha', o.alpha);
  const beta = o.beta === undefined ? 0 : checkNumber('opts.beta', o.beta);
  checkF32('a', a, checkedProduct('a', m, k));
  checkF32('b', b, checkedProduct('b', k, n));
  const out = c === undefined ? allocFloat32(checkedProduct('c', m, n)) : checkF32('c', c, checkedProduct('c', m, n));
  checkNoOverlap('c', out, 'a', a);
  checkNoOverlap('c', out, 'b', b);
  runKernel((kt) => kt.Gemm(a, b, out, { m, n, k, transA, transB, alpha: Math.fround(alpha), beta: Math.fround(beta) }));
  return out;
}

/** x is [rows, inFeatures], w is [outFeatures, inFeatures] (PyTorch's layout), y is [rows, outFeatures]. */
export interface LinearDims {
  rows: number;
  inFeatures: number;
  outFeatures: number;
}

export interface LinearOptions {
  /** Buffer for y [rows, outFeatures]; allocated when absent. */
  out?: Float32Array;
}

/**
 * Output buffers of `linearBackward`: a buffer to write into, undefined to get a fresh one, or
 * null when that gradient is not wanted (its work is skipped).
 */
export interface LinearBackwardOptions {
  dx?: Float32Array | null;
  dw?: Float32Array | null;
  db?: Float32Array | null;
  /** Add the gradients to the buffers' contents instead of overwriting them. Default false. */
  accumulate?: boolean;
}

export interface LinearGrads {
  /** [rows, inFeatures], null when skipped. */
  dx: Float32Array | null;
  /** [outFeatures, inFeatures], null when skipped. */
  dw: Float32Array | null;
  /** [outFeatures], null when skipped. */
  db: Float32Array | null;
}

function checkDims(dims: unknown): LinearDims {
  const d = checkObject<LinearDims>('dims', dims);
  const rows = checkDim('dims.rows', d.rows);
  const inFeatures = checkDim('dims.inFeatures', d.inFeatures);
  const outFeatures = checkDim('dims.outFeatures', d.outFeatures);
  checkedProduct('dims', rows, Math.max(inFeatures, outFeatures));
  checkedProduct('dims', inFeatures, outFeatures);
  return { rows, inFeatures, outFeatures };
}

/**
 * Linear layer: y = x w^T + bias, w in PyTorch's [out, in] layout. The bias is fused (y is
 * pre-filled with it and the GEMM accumulates onto it).
 *
 * @example
 * const y = linear(x, w, b, { rows: 196, inFeatures: 64, outFeatures: 256 });
 */
export function linear(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, dims: LinearDims, opts: LinearOptions = {}): Float32Array {
  const d = checkDims(dims);
  checkF32('x', x, d.rows * d.inFeatures);
  checkF32('w', w, d.inFeatures * d.outFeatures);
  checkOptionalF32('bias', bias, d.outFeatures);
  const o = checkOptions<LinearOptions>('linear', 'opts', opts, OUT_KEYS);
  const y = o.out === undefined ? allocFloat32(d.rows * d.outFeatures) : checkF32('opts.out', o.out, d.rows * d.outFeatures);
  checkOutputsApart({ 'opts.out': y }, { x, w, bias });
  runKernel((k) => k.Linear(x, w, bias ?? null, y, d));
  return y;
}

/** Elements `packLinear` writes for these features (the layout is the backend's; `dims.rows` is not used). */
export function linearPackedLength(dims: LinearDims): number {
  const d = checkDims(dims);
  let n = 0;
  runKernel((k) => {
    n = k.LinearPackedLength(d);
  });
  return n;
}

/**
 * Packs w ([out, in], PyTorch's layout) once for `linearPacked`: into oneDNN's blocked matmul
 * layout on x86-64, a plain copy elsewhere. The packed buffer is only good in this process (its
 * layout depends on the CPU's instruction set): pack again after w changes, never save it.
 *
 * @example
 * const packed = packLinear(w, { rows: 1, inFeatures: 256, outFeatures: 1024 });
 */
export function packLinear(w: Float32Array, dims: LinearDims, opts: LinearOptions = {}): Float32Array {
  const d = checkDims(dims);
  checkF32('w', w, d.inFeatures * d.outFeatures);
  const o = checkOptions<LinearOptions>('packLinear', 'opts', opts, OUT_KEYS);
  const n = linearPackedLength(d);
  const packed = o.out === undefined ? allocFloat32(n) : checkF32('opts.out', o.out, n);
  checkOutputsApart({ 'opts.out': packed }, { w });
  runKernel((k) => k.LinearPack(w, d, packed));
  return packed;
}

export interface LinearPackedOptions {
  /** Applied to x·wᵀ + b before the residual is added: 'none' (default) or 'gelu' (erf form). */
  act?: LinearAct;
  /** [rows, outFeatures], added last (a residual connection). */
  residual?: Float32Array;
  /** Buffer for y [rows, outFeatures]; allocated when absent. Must not overlap any input. */
  out?: Float32Array;
}

/**
 * Inference's linear layer: y = act(x·wᵀ + b) + residual with w packed by `packLinear`; with
 * oneDNN the bias, GELU and residual run in the GEMM's epilogue (one write of y). No backward.
 *
 * @example
 * const h = linearPacked(x, packed1, b1, dims1, { act: 'gelu' });            // MLP's first layer
 * const y = linearPacked(h, packed2, b2, dims2, { residual: x });             // second layer + skip
 */
export function linearPacked(
  x: Float32Array, packed: Float32Array, bias: Float32Array | undefined, dims: LinearDims, opts: LinearPackedOptions = {},
): Float32Array {
  const d = checkDims(dims);
  const o = checkOptions<LinearPackedOptions>('linearPacked', 'opts', opts, LINEAR_PACKED_KEYS);
  const act = o.act ?? 'none';
  if (act !== 'none' && act !== 'gelu') throw new ArgumentError(`opts.act: expected 'none' or 'gelu', got ${JSON.stringify(act)}`);
  checkF32('x', x, d.rows * d.inFeatures);
  checkF32('packed', packed, linearPackedLength(d));
  checkOptionalF32('bias', bias, d.outFeatures);
  const residual = checkOptionalF32('opts.residual', o.residual, d.rows * d.outFeatures);
  const y = o.out === undefined ? allocFloat32(d.rows * d.outFeatures) : checkF32('opts.out', o.out, d.rows * d.outFeatures);
  checkOutputsApart({ 'opts.out': y }, { x, packed, bias, 'opts.residual': residual });
  runKernel((k) => k.LinearPacked(x, packed, bias ?? null, y, d, act, residual ?? null));
  return y;
}

/**
 * Gradients of `linear`: dx = dy w, dw = dy^T x, db = column sums of dy. Pass null for a gradient
 * you do not need (e.g. `dx: null` for the first layer) and its GEMM is skipped.
 *
 * @example
 * const { dw, db } = linearBackward(x, w, dy, dims, { dx: null, dw: w.grad, db: b.grad, accumulate: true });
 */
export function linearBackward(
  x: Float32Array, w: Float32Array, dy: Float32Array, dims: LinearDims, opts: LinearBackwardOptions = {},
): LinearGrads {
  const d = checkDims(dims);
  checkF32('x', x, d.rows * d.inFeatures);
  checkF32('w', w, d.inFeatures * d.outFeatures);
  checkF32('dy', dy, d.rows * d.outFeatures);
  const o = checkOptions<LinearBackwardOptions>('linearBackward', 'opts', opts, LINEAR_BACKWARD_KEYS);
  const accumulate = checkBool('opts.accumulate', o.accumulate);
  const g: LinearGrads = {
    dx: optionalOutput('opts.dx', o.dx, d.rows * d.inFeatures, allocFloat32),
    dw: optionalOutput('opts.dw', o.dw, d.inFeatures * d.outFeatures, allocFloat32),
    db: optionalOutput('opts.db', o.db, d.outFeatures, allocFloat32),
  };
  checkOutputsApart({ 'opts.dx': g.dx, 'opts.dw': g.dw, 'opts.db': g.db }, { x, w, dy });
  if (!accumulate) {
    runKernel((k) => k.LinearGrad(x, w, dy, d, g.dx, g.dw, g.db));
    return g;
  }
  // The kernel overwrites: accumulating goes through fresh gradients added onto the given ones.
  const t = {
    dx: g.dx && allocFloat32(g.dx.length), dw: g.dw && allocFloat32(g.dw.length), db: g.db && allocFloat32(g.db.length),
  };
  runKernel((k) => {
    k.LinearGrad(x, w, dy, d, t.dx, t.dw, t.db);
    for (const key of ['dx', 'dw', 'db'] as const) {
      const src = t[key], dst = g[key];
      if (src && dst) k.Axpy(1, src, dst);
    }
  });
  return g;
}

export interface LayerNormOptions {
  /** Buffer for y [rows, cols]; may be x itself (in place). Allocated when absent. */
  out?: Float32Array;
  /** Buffer for the row means [rows]. */
  mean?: Float32Array;
  /** Buffer for the row reciprocal standard deviations 1/sqrt(var + eps) [rows]. */
  rstd?: Float32Array;
}

export interface LayerNormResult {
  y: Float32Array;
  mean: Float32Array;
  rstd: Float32Array;
}

/** Output buffers of `layerNormBackward`: a buffer, undefined (allocated) or null (skipped). */
export interface LayerNormBackwardOptions {
  /** [rows, cols]; may be dy itself. */
  dx?: Float32Array | null;
  /** [cols] */
  dgamma?: Float32Array | null;
  /** [cols] */
  dbeta?: Float32Array | null;
}

export interface LayerNormGrads {
  dx: Float32Array | null;
  dgamma: Float32Array | null;
  dbeta: Float32Array | null;
}

function checkRowsCols(rows: unknown, cols: unknown): { rows: number; cols: number; n: number } {
  const r = checkDim('rows', rows), c = checkDim('cols', cols);
  return { rows: r, cols: c, n: checkedProduct('x', r, c) };
}

/**
 * Layer norm over the last axis of a [rows, cols] matrix, fused: y = (x - mean) rstd gamma + beta,
 * with the row statistics returned for the backward. gamma/beta undefined mean 1 and 0.
 *
 * @example
 * const { y, mean, rstd } = layerNorm(x, 3136, 64, gamma, beta, 1e-6);
 */
export function layerNorm(
  x: Float32Array, rows: number, cols: number, gamma: Float32Array | undefined, beta: Float32Array | undefined, eps: number,
  opts: LayerNormOptions = {},
): LayerNormResult {
  const s = checkRowsCols(rows, cols);
  checkF32('x', x, s.n);
  checkOptionalF32('gamma', gamma, s.cols);
  checkOptionalF32('beta', beta, s.cols);
  if (checkNumber('eps', eps) < 0) throw new ArgumentError(`eps: expected a number >= 0, got ${eps}`);
  const o = checkOptions<LayerNormOptions>('layerNorm', 'opts', opts, LAYER_NORM_KEYS);
  const y = o.out === undefined ? allocFloat32(s.n) : checkF32('opts.out', o.out, s.n);
  const mean = o.mean === undefined ? allocFloat32(s.rows) : checkF32('opts.mean', o.mean, s.rows);
  const rstd = o.rstd === undefined ? allocFloat32(s.rows) : checkF32('opts.rstd', o.rstd, s.rows);
  checkSameOrNoOverlap('opts.out', y, 'x', x);
  checkOutputsApart({ 'opts.out': y }, { gamma, beta });
  checkOutputsApart({ 'opts.mean': mean, 'opts.rstd': rstd }, { x, 'opts.out': y, gamma, beta });
  runKernel((k) => k.LayerNorm(x, s.rows, s.cols, gamma ?? null, beta ?? null, eps, y, mean, rstd));
  return { y, mean, rstd };
}

/**
 * Gradients of `layerNorm` from the saved mean and rstd: dx, dgamma = sum over rows of dy xhat,
 * dbeta = sum over rows of dy. Pass null for an output you do not need.
 */
export function layerNormBackward(
  x: Float32Array, rows: number, cols: number, gamma: Float32Array | undefined, mean: Float32Array, rstd: Float32Array,
  dy: Float32Array, opts: LayerNormBackwardOptions = {},
): LayerNormGrads {
  const s = checkRowsCols(rows, cols);
  checkF32('x', x, s.n);
  checkOptionalF32('gamma', gamma, s.cols);
  checkF32('mean', mean, s.rows);
  checkF32('rstd', rstd, s.rows);
  checkF32('dy', dy, s.n);
  const o = checkOptions<LayerNormBackwardOptions>('layerNormBackward', 'opts', opts, LAYER_NORM_BACKWARD_KEYS);
  const g: LayerNormGrads = {
    dx: optionalOutput('opts.dx', o.dx, s.n, allocFloat32),
    dgamma: optionalOutput('opts.dgamma', o.dgamma, s.cols, allocFloat32),
    dbeta: optionalOutput('opts.dbeta', o.dbeta, s.cols, allocFloat32),
  };
  // dx may be dy itself; everything else must be apart.
  if (g.dx) checkSameOrNoOverlap('opts.dx', g.dx, 'dy', dy);
  checkOutputsApart({ 'opts.dx': g.dx, 'opts.dgamma': g.dgamma, 'opts.dbeta': g.dbeta }, { x, gamma, mean, rstd });
  checkOutputsApart({ 'opts.dgamma': g.dgamma, 'opts.dbeta': g.dbeta }, { dy });
  runKernel((k) => k.LayerNormGrad(x, s.rows, s.cols, gamma ?? null, mean, rstd, dy, g.dx, g.dgamma, g.dbeta));
  return g;
}
