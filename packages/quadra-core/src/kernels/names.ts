/**
 * The one table of kernel names and their signatures. Every backend implements kernels by these
 * names (ops never call a backend any other way); `supportMatrix()` is generated from it.
 * Buffers are the storage arrays of the tensors involved; shapes and attributes are plain values.
 */
import type { ConvShape, QuadGrads, QuadWeights } from '@quadranet/lib';
import type { FArray } from '../dtype.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
/** How `b` lines up with `a`: same length, one row of `cols` repeated, or one value. */
export type BinaryMode = 'same' | 'row' | 'scalar';

export interface GemmDims {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

export interface LinearDims {
  rows: number;
  inFeatures: number;
  outFeatures: number;
}

export interface Conv2dGeom {
  n: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  stride: number;
  pad: number;
  ho: number;
  wo: number;
}

export interface AdamWParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

export interface SgdParams {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** 1 on the first step: the momentum buffer starts as the gradient (PyTorch). */
  step: number;
}

export interface KernelTable {
  /** y += alpha·x */
  Axpy(alpha: number, x: FArray, y: FArray): void;
  /** out = alpha·x */
  Scale(x: FArray, alpha: number, out: FArray): void;
  Binary(op: BinaryOp, a: FArray, b: FArray, out: FArray, mode: BinaryMode): void;
  /** General NumPy broadcasting. */
  BroadcastBinary(op: BinaryOp, a: FArray, aShape: readonly number[], b: FArray, bShape: readonly number[], out: FArray, outShape: readonly number[]): void;
  /** out[r, :] = s[r] · x[r, :] (per-sample masks: drop path). */
  RowScale(x: FArray, rows: number, cols: number, s: FArray, out: FArray): void;
  /** out = sum of x over `axes` (out has the kept-dims shape's size). */
  ReduceSum(x: FArray, shape: readonly number[], axes: readonly number[], out: FArray): void;
  /** out[c] = Σ_r x[r, c] */
  SumRows(x: FArray, rows: number, cols: number, out: FArray): void;
  Gemm(a: FArray, b: FArray, c: FArray, d: GemmDims): void;
  /** y = x·wᵀ + b, w in [out, in]. */
  Linear(x: FArray, w: FArray, b: FArray | null, y: FArray, d: LinearDims): void;
  LinearGrad(x: FArray, w: FArray, dy: FArray, d: LinearDims, dx: FArray | null, dw: FArray | null, db: FArray | null): void;
  LayerNorm(x: FArray, rows: number, cols: number, gamma: FArray | null, beta: FArray | null, eps: number, y: FArray, mean: FArray, rstd: FArray): void;
  LayerNormGrad(x: FArray, rows: number, cols: number, gamma: FArray | null, mean: FArray, rstd: FArray, dy: FArray, dx: FArray, dgamma: FArray | null, dbeta: FArray | null): void;
  Gelu(x: FArray, y: FArray): void;
  /** h += bias (row-broadcast, in place), y = gelu(h): the epilogue of linear → GELU. */
  BiasGelu(h: FArray, bias: FArray | null, cols: number, y: FArray): void;
  GeluGrad(x: FArray, dy: FArray, dx: FArray): void;
  /** out = x + gamma ⊙ z, gamma per last-axis channel. */
  ScaleAdd(x: FArray, z: FArray, gamma: FArray, cols: number, out: FArray): void;
  ScaleAddGrad(z: FArray, gamma: FArray, dy: FArray, cols: number, dz: FArray | null, dgamma: FArray | null): void;
  QuadConv2d(x: FArray, s: ConvShape, k: number, w: QuadWeights<FArray>, y: FArray, saved: { a: FArray; b: FArray } | null): void;
  QuadConv2dGrad(x: FArray, s: ConvShape, k: number, w: QuadWeights<FArray>, dy: FArray, saved: { a: FArray; b: FArray } | null, g: QuadGrads<FArray>): void;
  DwConv2d(x: FArray, s: ConvShape, k: number, w: FArray, b: FArray | null, y: FArray): void;
  DwConv2dGrad(x: FArray, s: ConvShape, k: number, w: FArray, dy: FArray, dx: FArray, dw: FArray, db: FArray): void;
  /** NHWC patches to rows of [kh·kw·c] (zero padding). */
  Im2Col(x: FArray, g: Conv2dGeom, cols: FArray): void;
  /** Scatter-add of patch rows back to NHWC. */
  Col2Im(cols: FArray, g: Conv2dGeom, dx: FArray): void;
  Permute(x: FArray, shape: readonly number[], perm: readonly number[], out: FArray): void;
  /** Copies x (shape) into out (outShape) at `offsets` per axis; with `reverse`, reads the window instead. */
  CopyWindow(x: FArray, shape: readonly number[], out: FArray, outShape: readonly number[], offsets: readonly number[], reverse: boolean): void;
  Roll(x: FArray, shape: readonly number[], shifts: readonly number[], out: FArray): void;
  /** out = x.take(indices) along `axis`; with `scatter`, adds x into out at the indices (the backward). */
  Gather(x: FArray, shape: readonly number[], axis: number, indices: Int32Array, out: FArray, scatter: boolean): void;
  /** Row-wise (log-)softmax over the last axis. */
  Softmax(x: FArray, rows: number, cols: number, out: FArray, log: boolean): void;
  SoftmaxGrad(y: FArray, dy: FArray, rows: number, cols: number, dx: FArray, log: boolean): void;
  /** Mean label-smoothed cross-entropy; writes softmax probabilities for the backward. */
  CrossEntropy(logits: FArray, rows: number, cols: number, labels: Int32Array, smoothing: number, probs: FArray): number;
  CrossEntropyGrad(probs: FArray, rows: number, cols: number, labels: Int32Array, smoothing: number, scale: number, dx: FArray): void;
  AdamW(p: FArray, g: FArray, m: FArray, v: FArray, h: AdamWParams): void;
  Sgd(p: FArray, g: FArray, buf: FArray | null, h: SgdParams): void;
}

export type KernelName = keyof KernelTable;

export const KERNEL_NAMES: readonly KernelName[] = [
  'Axpy', 'Scale', 'RowScale', 'Binary', 'BroadcastBinary', 'ReduceSum', 'SumRows', 'Gemm', 'Linear', 'LinearGrad',
  'LayerNorm', 'LayerNormGrad', 'Gelu', 'BiasGelu', 'GeluGrad', 'ScaleAdd', 'ScaleAddGrad', 'QuadConv2d', 'QuadConv2dGrad',
  'DwConv2d', 'DwConv2dGrad', 'Im2Col', 'Col2Im', 'Permute', 'CopyWindow', 'Roll', 'Gather', 'Softmax',
  'SoftmaxGrad', 'CrossEntropy', 'CrossEntropyGrad', 'AdamW', 'Sgd',
];
