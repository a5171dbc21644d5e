/** The conv family: the quadratic and plain depthwise convolutions (checked user functions). */
import { allocFloat32 } from './alloc.js';
import { runKernel } from './call-native.js';
import { ArgumentError, ShapeError } from './errors.js';
import type { Conv2dGeom } from './kernel-table.js';
import type {
  ConvShape, DwConvBackwardOptions, DwConvOptions, DwGrads, DwWeights, QuadConvBackwardOptions, QuadConvOptions, QuadGrads,
  QuadWeights, SavedAB,
} from './types.js';
import {
  checkDim, checkedProduct, checkF32, checkKernel, checkNoOverlap, checkObject, checkOptionalF32, checkShape, describe,
} from './validate.js';
import { checkOptionKeys, checkOptions, optionKeys } from './options.js';
import type { QuadConvBackwardOptions as QBO, QuadGrads as QG } from './types.js';

const QUAD_KEYS = optionKeys<QuadConvOptions>()('out', 'save');
const QUAD_BACKWARD_KEYS = optionKeys<QBO>()('saved', 'out');
const QUAD_GRAD_KEYS = optionKeys<QG>()('dx', 'dwa', 'dba', 'dwb', 'dbb', 'dwc', 'dbc');
const DW_KEYS = optionKeys<DwConvOptions>()('out');

export interface ConvCall {
  s: ConvShape;
  /** Elements of x (n*h*w*c). */
  count: number;
  /** Elements of one weight set (k*k*c). */
  taps: number;
}

/** Checks what every conv call shares: shape, kernel size and x. */
export function checkConvCall(x: unknown, shape: unknown, k: unknown): ConvCall {
  const s = checkShape(shape);
  checkKernel(k);
  const count = s.n * s.h * s.w * s.c;
  checkF32('x', x, count);
  return { s, count, taps: (k as number) ** 2 * s.c };
}

/**
 * Output buffers by name: the caller's (`given[key]`, checked against its length) or freshly
 * allocated aligned ones. `name` is how `given` is called in error messages.
 */
export function outputBuffers<K extends string>(name: string, given: unknown, lengths: Record<K, number>): Record<K, Float32Array> {
  const out = given === undefined ? {} : checkObject<Record<string, unknown>>(name, given);
  const result = {} as Record<K, Float32Array>;
  for (const key of Object.keys(lengths) as K[]) {
    result[key] = out[key] === undefined ? allocFloat32(lengths[key]) : checkF32(`${name}.${key}`, out[key], lengths[key]);
  }
  return result;
}

function checkWeights(weights: unknown, taps: number, c: number): QuadWeights {
  const w = checkObject<Record<string, unknown>>('weights', weights);
  return {
    wa: checkF32('weights.wa', w.wa, taps),
    ba: checkOptionalF32('weights.ba', w.ba, c),
    wb: checkF32('weights.wb', w.wb, taps),
    bb: checkOptionalF32('weights.bb', w.bb, c),
    wc: checkF32('weights.wc', w.wc, taps),
    bc: checkOptionalF32('weights.bc', w.bc, c),
  };
}

function checkSaved(name: string, saved: unknown, x: Float32Array): SavedAB {
  const s = checkObject<Record<string, unknown>>(name, saved);
  const out = { a: checkF32(`${name}.a`, s.a, x.length), b: checkF32(`${name}.b`, s.b, x.length) };
  checkNoOverlap(`${name}.a`, out.a, 'x', x);
  checkNoOverlap(`${name}.b`, out.b, 'x', x);
  return out;
}

/**
 * Quadratic depthwise convolution, NHWC float32, stride 1, "same" padding:
 * `y = (Wa*x + ba) . (Wb*x + bb) + (Wc*x + bc)`, computed in one pass over x.
 *
 * @example
 * const shape = { n: 1, h: 56, w: 56, c: 64 }, k = 7;
 * const y = quadconv2d(x, shape, { wa, wb, wc, ba, bb, bc }, k); // weights [k, k, C], biases [C]
 */
export function quadconv2d(x: Float32Array, shape: ConvShape, weights: QuadWeights, k: number, opts: QuadConvOptions = {}): Float32Array {
  const { s, count, taps } = checkConvCall(x, shape, k);
  const w = checkWeights(weights, taps, s.c);
  const o = checkOptions<QuadConvOptions>('quadconv2d', 'opts', opts, QUAD_KEYS);
  const y = outputBuffers('opts', o, { out: count }).out;
  checkNoOverlap('opts.out', y, 'x', x);
  const save = o.save === undefined ? undefined : checkSaved('opts.save', o.save, x);
  runKernel((kt) => kt.QuadConv2d(x, s, k, w, y, save ?? null));
  return y;
}

/**
 * Gradients of the quadratic depthwise conv from x and dy. By default A = Wa*x + ba and
 * B = Wb*x + bb are recomputed from x (no saved intermediates); pass `saved` (filled by
 * `quadconv2d(..., { save })`) to use them instead.
 */
export function quadconv2dBackward(
  x: Float32Array, shape: ConvShape, weights: QuadWeights, k: number, dy: Float32Array,
  opts: QuadConvBackwardOptions = {},
): QuadGrads {
  const { s, count, taps } = checkConvCall(x, shape, k);
  const w = checkWeights(weights, taps, s.c);
  checkF32('dy', dy, count);
  const o = checkOptions<QuadConvBackwardOptions>('quadconv2dBackward', 'opts', opts, QUAD_BACKWARD_KEYS);
  checkOptionKeys('quadconv2dBackward', o.out, QUAD_GRAD_KEYS, 'opts.out');
  const saved = o.saved === undefined ? undefined : checkSaved('opts.saved', o.saved, x);
  const g: QuadGrads = outputBuffers('opts.out', o.out, {
    dx: count, dwa: taps, dba: s.c, dwb: taps, dbb: s.c, dwc: taps, dbc: s.c,
  });
  checkNoOverlap('opts.out.dx', g.dx, 'x', x);
  checkNoOverlap('opts.out.dx', g.dx, 'dy', dy);
  runKernel((kt) => kt.QuadConv2dGrad(x, s, k, w, dy, saved ?? null, g));
  return g;
}

function checkDwWeights(weights: unknown, taps: number, c: number): DwWeights {
  const w = checkObject<Record<string, unknown>>('weights', weights);
  return { w: checkF32('weights.w', w.w, taps), b: checkOptionalF32('weights.b', w.b, c) };
}

/**
 * Depthwise convolution (ConvNeXt's spatial mixer), NHWC float32, stride 1, "same" padding.
 *
 * @example
 * const y = dwconv2d(x, { n: 8, h: 56, w: 56, c: 64 }, { w, b }, 7); // w [7, 7, 64], b [64]
 */
export function dwconv2d(x: Float32Array, shape: ConvShape, weights: DwWeights, k: number, opts: DwConvOptions = {}): Float32Array {
  const { s, count, taps } = checkConvCall(x, shape, k);
  const w = checkDwWeights(weights, taps, s.c);
  const o = checkOptions<DwConvOptions>('dwconv2d', 'opts', opts, DW_KEYS);
  const y = outputBuffers('opts', o, { out: count }).out;
  checkNoOverlap('opts.out', y, 'x', x);
  runKernel((kt) => kt.DwConv2d(x, s, k, w.w, w.b ?? null, y));
  return y;
}

/** Gradients of the depthwise convolution: dx, dw [k, k, C], db [C]. */
export function dwconv2dBackward(
  x: Float32Array, shape: ConvShape, weights: DwWeights, k: number, dy: Float32Array, opts: DwConvBackwardOptions = {},
): DwGrads {
  const { s, count, taps } = checkConvCall(x, shape, k);
  const w = checkDwWeights(weights, taps, s.c);
  checkF32('dy', dy, count);
  const o = checkOptions<DwConvBackwardOptions>('dwconv2dBackward', 'opts', opts, DW_KEYS);
  checkOptionKeys('dwconv2dBackward', o.out, ['dx', 'dw', 'db'], 'opts.out');
  const g: DwGrads = outputBuffers('opts.out', o.out, { dx: count, dw: taps, db: s.c });
  checkNoOverlap('opts.out.dx', g.dx, 'x', x);
  checkNoOverlap('opts.out.dx', g.dx, 'dy', dy);
  runKernel((kt) => kt.DwConv2dGrad(x, s, k, w.w, dy, g.dx, g.dw, g.db));
  return g;
}

function checkGeom(g: unknown): { g: Conv2dGeom; image: number; patches: number } {
  const o = checkObject<Record<string, unknown>>('g', g);
  const geom = {} as Conv2dGeom;
  for (const key of ['n', 'h', 'w', 'c', 'kh', 'kw', 'stride', 'ho', 'wo'] as const) geom[key] = checkDim(`g.${key}`, o[key]);
  if (typeof o.pad !== 'number' || !Number.isSafeInteger(o.pad) || o.pad < 0) {
    throw new ArgumentError(`g.pad: expected an integer >= 0, got ${describe(o.pad)}`);
  }
  geom.pad = o.pad;
  for (const [out, size, k] of [['ho', geom.h, geom.kh], ['wo', geom.w, geom.kw]] as const) {
    const want = Math.floor((size + 2 * geom.pad - k) / geom.stride) + 1;
    if (size + 2 * geom.pad < k || geom[out] !== want) {
      throw new ShapeError(`g.${out}: expected (${out === 'ho' ? 'h' : 'w'} + 2 pad - k) / stride + 1 = ${want}, got ${geom[out]}`);
    }
  }
  const image = [geom.n, geom.h, geom.w, geom.c].reduce((a, b) => checkedProduct('g', a, b), 1);
  const patches = [geom.n, geom.ho, geom.wo, geom.kh, geom.kw, geom.c].reduce((a, b) => checkedProduct('g', a, b), 1);
  return { g: geom, image, patches };
}

/**
 * The patch matrix of a dense conv: x [n, h, w, c] (NHWC) to cols [n·ho·wo, kh·kw·c], zero
 * padding; a conv is then one GEMM of cols with the [kh·kw·c, cout] weights.
 *
 * @example
 * const g = { n: 8, h: 28, w: 28, c: 1, kh: 2, kw: 2, stride: 2, pad: 0, ho: 14, wo: 14 };
 * const cols = im2col(x, g); // [8·14·14, 4]
 */
export function im2col(x: Float32Array, geom: Conv2dGeom, out?: Float32Array): Float32Array {
  const { g, image, patches } = checkGeom(geom);
  checkF32('x', x, image);
  const cols = out === undefined ? allocFloat32(patches) : checkF32('out', out, patches);
  checkNoOverlap('out', cols, 'x', x);
  runKernel((k) => k.Im2Col(x, g, cols));
  return cols;
}

/** The adjoint of `im2col`: dx [n, h, w, c] = 0, then every patch row is added back at its pixels. */
export function col2im(cols: Float32Array, geom: Conv2dGeom, out?: Float32Array): Float32Array {
  const { g, image, patches } = checkGeom(geom);
  checkF32('cols', cols, patches);
  const dx = out === undefined ? allocFloat32(image) : checkF32('out', out, image);
  checkNoOverlap('out', dx, 'cols', cols);
  runKernel((k) => k.Col2Im(cols, g, dx));
  return dx;
}
