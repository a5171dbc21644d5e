/** The elementwise family: same/row/scalar and broadcast arithmetic, GELU, the scaled residual (checked user functions). */
import { allocFloat32 } from './alloc.js';
import { runKernel } from './call-native.js';
import { ArgumentError, ShapeError } from './errors.js';
import { checkIntList, MAX_DIMS } from './layout.js';
import type { BinaryOpName, BroadcastMode } from './reference/elementwise.js';
import {
  checkDim, checkedProduct, checkF32, checkF32Any, checkNoOverlap, checkNumber, checkOutputsApart, checkSameOrNoOverlap,
  optionalOutput,
} from './validate.js';
import { checkOptions, optionKeys } from './options.js';

const OUT_KEYS = optionKeys<GeluOptions>()('out');
const SCALE_ADD_BACKWARD_KEYS = optionKeys<ScaleAddBackwardOptions>()('dz', 'dgamma', 'sampleScale');
const BIAS_GELU_BACKWARD_KEYS = optionKeys<BiasGeluBackwardOptions>()('dh', 'db');

export type { BinaryOpName, BroadcastMode };

const OPS: readonly BinaryOpName[] = ['add', 'sub', 'mul', 'div'];
const MODES: readonly BroadcastMode[] = ['same', 'row', 'scalar'];

/**
 * out = a op b, float32, with b broadcast by `mode`:
 * - 'same': b has a's length;
 * - 'row': a is [rows, cols] and b has cols elements (cols must divide a.length);
 * - 'scalar': b is a number or a 1-element Float32Array.
 *
 * Aliasing: out may be a itself (in place), and b itself in 'same' mode; any other overlap is
 * rejected. `out` undefined allocates.
 *
 * @example
 * binary('add', h, bias, h, 'row'); // h[r, :] += bias
 */
export function binary(
  op: BinaryOpName, a: Float32Array, b: Float32Array | number, out: Float32Array | undefined, mode: BroadcastMode,
): Float32Array {
  if (!OPS.includes(op)) throw new ArgumentError(`op: expected one of ${OPS.join(', ')}, got ${String(op)}`);
  if (!MODES.includes(mode)) throw new ArgumentError(`mode: expected one of ${MODES.join(', ')}, got ${String(mode)}`);
  checkF32Any('a', a);
  const o = out === undefined ? allocFloat32(a.length) : checkF32('out', out, a.length);
  checkSameOrNoOverlap('out', o, 'a', a);
  let bArg: Float32Array | number;
  if (mode === 'scalar') {
    bArg = typeof b === 'number' ? checkNumber('b', b) : checkF32('b', b, 1)[0];
  } else {
    if (typeof b === 'number') throw new ArgumentError(`b: a number needs mode 'scalar', got mode '${mode}'`);
    if (mode === 'same') {
      checkF32('b', b, a.length);
      checkSameOrNoOverlap('out', o, 'b', b);
    } else {
      checkF32Any('b', b);
      if (b.length === 0 || a.length % b.length !== 0) {
        throw new ShapeError(`b: expected cols elements where cols divides a's ${a.length} elements, got ${b.length}`);
      }
      checkNoOverlap('out', o, 'b', b);
    }
    bArg = b;
  }
  // A scalar b is rounded to float32 as the native kernel rounds it.
  const bv = typeof bArg === 'number' ? Float32Array.of(bArg) : bArg;
  runKernel((k) => k.Binary(op, a, bv, o, mode));
  return o;
}

/** out = alpha x; out may be x itself. */
export function scale(x: Float32Array, alpha: number, out?: Float32Array): Float32Array {
  checkF32Any('x', x);
  checkNumber('alpha', alpha);
  const o = out === undefined ? allocFloat32(x.length) : checkF32('out', out, x.length);
  checkSameOrNoOverlap('out', o, 'x', x);
  runKernel((k) => k.Scale(x, Math.fround(alpha), o));
  return o;
}

/** y += alpha x, in place (gradient accumulation). y may be x itself. Returns y. */
export function axpy(alpha: number, x: Float32Array, y: Float32Array): Float32Array {
  checkNumber('alpha', alpha);
  checkF32Any('x', x);
  checkF32('y', y, x.length);
  checkSameOrNoOverlap('y', y, 'x', x);
  runKernel((k) => k.Axpy(Math.fround(alpha), x, y));
  return y;
}

const size = (s: readonly number[]): number => s.reduce((x, y) => x * y, 1);
const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** The NumPy broadcast of two shapes (ShapeError naming both when they do not broadcast). */
export function broadcastShape(aShape: readonly number[], bShape: readonly number[]): number[] {
  const nd = Math.max(aShape.length, bShape.length);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const a = aShape[aShape.length - nd + i] ?? 1, b = bShape[bShape.length - nd + i] ?? 1;
    if (a !== b && a !== 1 && b !== 1) throw new ShapeError(`aShape ${fmt(aShape)} and bShape ${fmt(bShape)} do not broadcast (axis ${i}: ${a} vs ${b})`);
    out.push(a === 1 ? b : a);
  }
  return out;
}

/**
 * out = a op b with NumPy broadcasting of both operands to `outShape` (by default their
 * broadcast shape; it may be bigger, e.g. to expand a kept-dims sum). At most 8 axes. out may be
 * an operand itself when that operand has out's size; other overlaps are rejected.
 *
 * @example
 * broadcastBinary('add', scores, [8, 2, 49, 49], bias, [1, 2, 49, 49]); // relative-position bias
 */
export function broadcastBinary(
  op: BinaryOpName, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[],
  out?: Float32Array, outShape?: readonly number[],
): Float32Array {
  if (!OPS.includes(op)) throw new ArgumentError(`op: expected one of ${OPS.join(', ')}, got ${String(op)}`);
  const as = checkIntList('aShape', aShape, 0), bs = checkIntList('bShape', bShape, 0);
  const os = outShape === undefined ? broadcastShape(as, bs) : checkIntList('outShape', outShape, 0);
  if (os.length > MAX_DIMS) throw new ArgumentError(`outShape: at most ${MAX_DIMS} axes are supported, got ${os.length}`);
  for (const [name, s] of [['aShape', as], ['bShape', bs]] as const) {
    const off = os.length - s.length;
    if (off < 0 || s.some((d, i) => d !== 1 && d !== os[i + off])) {
      throw new ShapeError(`${name}: ${fmt(s)} does not broadcast to outShape ${fmt(os)}`);
    }
  }
  const n = size(os);
  if (!Number.isSafeInteger(n)) throw new ArgumentError(`outShape: ${fmt(os)} has too many elements`);
  checkF32('a', a, size(as));
  checkF32('b', b, size(bs));
  const o = out === undefined ? allocFloat32(n) : checkF32('out', out, n);
  checkSameOrNoOverlap('out', o, 'a', a);
  checkSameOrNoOverlap('out', o, 'b', b);
  runKernel((k) => k.BroadcastBinary(op, a, as, b, bs, o, os));
  return o;
}

export interface GeluOptions {
  /** Output buffer; may be the input itself (in place). Allocated when absent. */
  out?: Float32Array;
}

export interface BiasGeluOptions {
  /** Output buffer for gelu(h + bias); must not overlap h. Allocated when absent. */
  out?: Float32Array;
}

function outOf(name: string, given: Float32Array | undefined, length: number): Float32Array {
  return given === undefined ? allocFloat32(length) : checkF32(name, given, length);
}

/**
 * GELU, erf form (PyTorch's default): 0.5 x (1 + erf(x / sqrt 2)), elementwise. The native kernel's
 * erf has an absolute error below 3e-7.
 *
 * @example
 * const y = gelu(h);
 */
export function gelu(x: Float32Array, opts: GeluOptions = {}): Float32Array {
  checkF32Any('x', x);
  const o = checkOptions<GeluOptions>('gelu', 'opts', opts, OUT_KEYS);
  const out = outOf('opts.out', o.out, x.length);
  checkSameOrNoOverlap('opts.out', out, 'x', x);
  runKernel((k) => k.Gelu(x, out));
  return out;
}

/** dx = dy gelu'(x), gelu'(x) = Phi(x) + x phi(x). The output may be x or dy itself. */
export function geluBackward(x: Float32Array, dy: Float32Array, opts: GeluOptions = {}): Float32Array {
  checkF32Any('x', x);
  checkF32('dy', dy, x.length);
  const o = checkOptions<GeluOptions>('geluBackward', 'opts', opts, OUT_KEYS);
  const out = outOf('opts.out', o.out, x.length);
  checkSameOrNoOverlap('opts.out', out, 'x', x);
  checkSameOrNoOverlap('opts.out', out, 'dy', dy);
  runKernel((k) => k.GeluGrad(x, dy, out));
  return out;
}

/**
 * Fused bias + GELU for linear -> GELU in training: h[r, :] += bias (in place, so h holds the
 * pre-activation the backward needs) and out = gelu(h), in one pass over memory.
 *
 * @example
 * const h = linear(x, w1, undefined, dims);   // no bias in the GEMM
 * const a = biasGelu(h, b1, dims.outFeatures); // h now includes b1
 */
export function biasGelu(h: Float32Array, bias: Float32Array, cols: number, opts: BiasGeluOptions = {}): Float32Array {
  checkF32Any('h', h);
  const c = checkDim('cols', cols);
  if (h.length % c !== 0) throw new ShapeError(`h: expected a multiple of cols = ${c} elements, got ${h.length}`);
  checkF32('bias', bias, c);
  const o = checkOptions<BiasGeluOptions>('biasGelu', 'opts', opts, OUT_KEYS);
  const out = outOf('opts.out', o.out, h.length);
  checkOutputsApart({ h }, { bias });
  checkOutputsApart({ 'opts.out': out }, { h, bias });
  if (h.length === 0) return out;
  runKernel((k) => k.BiasGelu(h, bias, c, out));
  return out;
}

/** Output buffers of `biasGeluBackward`: a buffer, undefined (allocated) or null (db skipped). */
export interface BiasGeluBackwardOptions {
  /** [rows, cols]; may be h or dy itself. */
  dh?: Float32Array;
  /** [cols] */
  db?: Float32Array | null;
}

/**
 * The backward of `biasGelu` in one pass: dh = dy gelu'(h) and db = the column sums of dh (the
 * bias gradient), so the following linear backward need not read dh again for it.
 *
 * @example
 * const { dh, db } = biasGeluBackward(h, dy, dims.outFeatures);
 */
export function biasGeluBackward(h: Float32Array, dy: Float32Array, cols: number, opts: BiasGeluBackwardOptions = {}): { dh: Float32Array; db: Float32Array | null } {
  checkF32Any('h', h);
  const c = checkDim('cols', cols);
  if (h.length % c !== 0) throw new ShapeError(`h: expected a multiple of cols = ${c} elements, got ${h.length}`);
  checkF32('dy', dy, h.length);
  const o = checkOptions<BiasGeluBackwardOptions>('biasGeluBackward', 'opts', opts, BIAS_GELU_BACKWARD_KEYS);
  const dh = outOf('opts.dh', o.dh, h.length);
  const db = o.db === null ? null : outOf('opts.db', o.db, c);
  checkSameOrNoOverlap('opts.dh', dh, 'h', h);
  checkSameOrNoOverlap('opts.dh', dh, 'dy', dy);
  if (db) checkOutputsApart({ 'opts.db': db }, { h, dy, 'opts.dh': dh });
  runKernel((k) => k.BiasGeluGrad(h, dy, c, dh, db));
  return { dh, db };
}

/** Output buffers of `scaleAddBackward`: a buffer, undefined (allocated) or null (skipped). */
export interface ScaleAddBackwardOptions {
  /** [rows, cols]; may be dy itself. */
  dz?: Float32Array | null;
  /** [cols] */
  dgamma?: Float32Array | null;
  /** The per-sample factors the forward used (see `scaleAdd`). */
  sampleScale?: Float32Array | null;
}

export interface ScaleAddGrads {
  dz: Float32Array | null;
  dgamma: Float32Array | null;
}

function rowsOf(name: string, x: Float32Array, cols: number): number {
  if (x.length === 0 || x.length % cols !== 0) {
    throw new ShapeError(`${name}: expected a positive multiple of cols = ${cols} elements, got ${x.length}`);
  }
  return x.length / cols;
}

/** Checks optional per-sample factors: a length that divides `rows`. */
function checkSampleScale(name: string, s: Float32Array | null | undefined, rows: number): Float32Array | null {
  if (s === undefined || s === null) return null;
  checkF32Any(name, s);
  if (s.length === 0 || rows % s.length !== 0) {
    throw new ShapeError(`${name}: expected a length that divides rows = ${rows} (one factor per sample), got ${s.length}`);
  }
  return s;
}

/**
 * Fused residual with a per-channel scale (layer scale): out = x + gamma z, gamma [cols] broadcast
 * over rows. out may be x itself (the residual stream updated in place); undefined allocates.
 * `sampleScale` (optional) multiplies each sample's rows of z first — drop path's mask of 0 or
 * 1/(1−p) per sample, its length dividing the rows; a zero factor gives out = x.
 *
 * @example
 * scaleAdd(x, branch, layerScale, 64, x); // x += layerScale * branch
 */
export function scaleAdd(
  x: Float32Array, z: Float32Array, gamma: Float32Array, cols: number, out?: Float32Array, sampleScale?: Float32Array | null,
): Float32Array {
  checkF32Any('x', x);
  const c = checkDim('cols', cols);
  const rows = rowsOf('x', x, c);
  checkF32('z', z, x.length);
  checkF32('gamma', gamma, c);
  const s = checkSampleScale('sampleScale', sampleScale, rows);
  const o = out === undefined ? allocFloat32(x.length) : checkF32('out', out, x.length);
  checkSameOrNoOverlap('out', o, 'x', x);
  checkOutputsApart({ out: o }, { z, gamma, sampleScale: s });
  runKernel((k) => k.ScaleAdd(x, z, gamma, c, o, s));
  return o;
}

/**
 * Gradients of `scaleAdd` w.r.t. z and gamma: dz = s (dy gamma), dgamma = sum over rows of dy (s z)
 * (dx is dy), with s the forward's per-sample factors when it had them (opts.sampleScale).
 */
export function scaleAddBackward(
  z: Float32Array, gamma: Float32Array, dy: Float32Array, cols: number, opts: ScaleAddBackwardOptions = {},
): ScaleAddGrads {
  checkF32Any('z', z);
  const c = checkDim('cols', cols);
  const rows = rowsOf('z', z, c);
  checkF32('gamma', gamma, c);
  checkF32('dy', dy, z.length);
  const o = checkOptions<ScaleAddBackwardOptions>('scaleAddBackward', 'opts', opts, SCALE_ADD_BACKWARD_KEYS);
  const s = checkSampleScale('opts.sampleScale', o.sampleScale, rows);
  const g: ScaleAddGrads = {
    dz: optionalOutput('opts.dz', o.dz, z.length, allocFloat32),
    dgamma: optionalOutput('opts.dgamma', o.dgamma, c, allocFloat32),
  };
  if (g.dz) checkSameOrNoOverlap('opts.dz', g.dz, 'dy', dy);
  checkOutputsApart({ 'opts.dz': g.dz, 'opts.dgamma': g.dgamma }, { z, gamma, 'opts.sampleScale': s });
  checkOutputsApart({ 'opts.dgamma': g.dgamma }, { dy });
  runKernel((k) => k.ScaleAddGrad(z, gamma, dy, c, g.dz, g.dgamma, s));
  return g;
}

/**
 * out[r, :] = s[r] · x[r, :] for x [rows, cols] (per-sample scaling: drop path's mask); a zero s[r]
 * writes zeros even where x is not finite. out may be x itself.
 *
 * @example
 * rowScale(h, 8, 56 * 56 * 64, keepMask, h); // drop path on a batch of 8, in place
 */
export function rowScale(x: Float32Array, rows: number, cols: number, s: Float32Array, out?: Float32Array): Float32Array {
  const r = checkDim('rows', rows), c = checkDim('cols', cols);
  const n = checkedProduct('x', r, c);
  checkF32('x', x, n);
  checkF32('s', s, r);
  const o = out === undefined ? allocFloat32(n) : checkF32('out', out, n);
  checkSameOrNoOverlap('out', o, 'x', x);
  checkNoOverlap('out', o, 's', s);
  runKernel((k) => k.RowScale(x, r, c, s, o));
  return o;
}
