import { allocFloat32 } from './alloc.js';
import { callNative } from './call-native.js';
import { ArgumentError } from './errors.js';
import { nativeOrNull } from './native.js';
import { layerNormBackwardRef, layerNormRef } from './reference/layernorm.js';
import {
  checkDim, checkedProduct, checkF32, checkNumber, checkObject, checkOptionalF32, checkOutputsApart, checkSameOrNoOverlap,
  optionalOutput,
} from './validate.js';

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
  const o = checkObject<LayerNormOptions>('opts', opts);
  const y = o.out === undefined ? allocFloat32(s.n) : checkF32('opts.out', o.out, s.n);
  const mean = o.mean === undefined ? allocFloat32(s.rows) : checkF32('opts.mean', o.mean, s.rows);
  const rstd = o.rstd === undefined ? allocFloat32(s.rows) : checkF32('opts.rstd', o.rstd, s.rows);
  checkSameOrNoOverlap('opts.out', y, 'x', x);
  checkOutputsApart({ 'opts.out': y }, { gamma, beta });
  checkOutputsApart({ 'opts.mean': mean, 'opts.rstd': rstd }, { x, 'opts.out': y, gamma, beta });
  const native = nativeOrNull();
  if (native) callNative(() => native.layerNorm(x, s.rows, s.cols, gamma, beta, eps, y, mean, rstd));
  else layerNormRef(x, s.rows, s.cols, gamma, beta, eps, y, mean, rstd);
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
  const o = checkObject<LayerNormBackwardOptions>('opts', opts);
  const g: LayerNormGrads = {
    dx: optionalOutput('opts.dx', o.dx, s.n, allocFloat32),
    dgamma: optionalOutput('opts.dgamma', o.dgamma, s.cols, allocFloat32),
    dbeta: optionalOutput('opts.dbeta', o.dbeta, s.cols, allocFloat32),
  };
  // dx may be dy itself; everything else must be apart.
  if (g.dx) checkSameOrNoOverlap('opts.dx', g.dx, 'dy', dy);
  checkOutputsApart({ 'opts.dx': g.dx, 'opts.dgamma': g.dgamma, 'opts.dbeta': g.dbeta }, { x, gamma, mean, rstd });
  checkOutputsApart({ 'opts.dgamma': g.dgamma, 'opts.dbeta': g.dbeta }, { dy });
  const native = nativeOrNull();
  if (native) callNative(() => native.layerNormBackward(x, s.rows, s.cols, gamma, mean, rstd, dy, g.dx, g.dgamma, g.dbeta));
  else layerNormBackwardRef(x, s.rows, s.cols, gamma, mean, rstd, dy, g.dx, g.dgamma, g.dbeta);
  return g;
}
