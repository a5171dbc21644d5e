/**
 * The one table of kernel names and their signatures, over a buffer type `B`: Float32Array (or
 * Float64Array) for the cpu and reference backends, DeviceArray for cuda. @quadranet/core's
 * KernelTable, both native modules' `kernels` objects and the reference table are this type, and
 * KERNEL_NAMES is derived from it: a kernel missing from any table fails to compile.
 * Shapes and attributes are plain values; index arrays (labels, gather indices) stay host Int32Arrays.
 */
import type { LinearDims } from './dense.js';
import type { AdamWRefOptions } from './reference/optim.js';
import type { ConvShape, QuadGrads, QuadWeights } from './types.js';

export type { LinearDims };

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
/** The activation LinearPacked applies before adding the residual. */
export type LinearAct = 'none' | 'gelu';
/** How `b` lines up with `a`: same length, one row of `cols` repeated, or one value. */
export type BinaryMode = 'same' | 'row' | 'scalar';

/** Sizes and flags of a GEMM, row-major: op(A) [m, k], op(B) [k, n], C [m, n]. */
export interface GemmDims {
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

/** AdamW hyper-parameters of one step (the reference's own type). */
export type AdamWParams = AdamWRefOptions;

export interface SgdParams {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** 1 on the first step: the momentum buffer starts as the gradient (PyTorch). */
  step: number;
}

export interface KernelSignatures<B> {
  /** y += alpha·x */
  Axpy(alpha: number, x: B, y: B): void;
  /** out = alpha·x */
  Scale(x: B, alpha: number, out: B): void;
  Binary(op: BinaryOp, a: B, b: B, out: B, mode: BinaryMode): void;
  /** General NumPy broadcasting. */
  BroadcastBinary(op: BinaryOp, a: B, aShape: readonly number[], b: B, bShape: readonly number[], out: B, outShape: readonly number[]): void;
  /** out[r, :] = s[r] · x[r, :] (per-sample masks: drop path). */
  RowScale(x: B, rows: number, cols: number, s: B, out: B): void;
  /** out = sum of x over `axes` (out has the kept-dims shape's size). */
  ReduceSum(x: B, shape: readonly number[], axes: readonly number[], out: B): void;
  /** out[c] = Σ_r x[r, c] */
  SumRows(x: B, rows: number, cols: number, out: B): void;
  Gemm(a: B, b: B, c: B, d: GemmDims): void;
  /** y = x·wᵀ + b, w in [out, in]. */
  Linear(x: B, w: B, b: B | null, y: B, d: LinearDims): void;
  LinearGrad(x: B, w: B, dy: B, d: LinearDims, dx: B | null, dw: B | null, db: B | null): void;
  /**
   * Elements of w packed by LinearPack for these in/out features (d.rows is not used). The layout
   * is the backend's own: oneDNN's blocked matmul weights on x86-64 (ISA-dependent, so a packed
   * buffer is only good in the process that packed it), a plain copy of w elsewhere.
   */
  LinearPackedLength(d: LinearDims): number;
  /** packed = w [out, in] in the layout LinearPacked reads. */
  LinearPack(w: B, d: LinearDims, packed: B): void;
  /** y = act(x·wᵀ + b) + residual, w packed by LinearPack (inference: bias, GELU and residual in the GEMM's epilogue). */
  LinearPacked(x: B, packed: B, b: B | null, y: B, d: LinearDims, act: LinearAct, residual: B | null): void;
  LayerNorm(x: B, rows: number, cols: number, gamma: B | null, beta: B | null, eps: number, y: B, mean: B, rstd: B): void;
  LayerNormGrad(x: B, rows: number, cols: number, gamma: B | null, mean: B, rstd: B, dy: B, dx: B | null, dgamma: B | null, dbeta: B | null): void;
  Gelu(x: B, y: B): void;
  /** h += bias (row-broadcast, in place), y = gelu(h): the epilogue of linear → GELU. */
  BiasGelu(h: B, bias: B | null, cols: number, y: B): void;
  GeluGrad(x: B, dy: B, dx: B): void;
  BiasGeluGrad(h: B, dy: B, cols: number, dh: B, db: B | null): void;
  /**
   * out = x + gamma ⊙ (s ⊙ z), gamma per last-axis channel; the optional sampleScale s holds one
   * factor per sample (its length divides the rows): drop path folded into the residual.
   */
  ScaleAdd(x: B, z: B, gamma: B, cols: number, out: B, sampleScale?: B | null): void;
  ScaleAddGrad(z: B, gamma: B, dy: B, cols: number, dz: B | null, dgamma: B | null, sampleScale?: B | null): void;
  QuadConv2d(x: B, s: ConvShape, k: number, w: QuadWeights<B>, y: B, saved: { a: B; b: B } | null): void;
  QuadConv2dGrad(x: B, s: ConvShape, k: number, w: QuadWeights<B>, dy: B, saved: { a: B; b: B } | null, g: QuadGrads<B>): void;
  DwConv2d(x: B, s: ConvShape, k: number, w: B, b: B | null, y: B): void;
  DwConv2dGrad(x: B, s: ConvShape, k: number, w: B, dy: B, dx: B, dw: B, db: B): void;
  /** NHWC patches to rows of [kh·kw·c] (zero padding). */
  Im2Col(x: B, g: Conv2dGeom, cols: B): void;
  /** Scatter-add of patch rows back to NHWC. */
  Col2Im(cols: B, g: Conv2dGeom, dx: B): void;
  Permute(x: B, shape: readonly number[], perm: readonly number[], out: B): void;
  /** Copies x (shape) into out (outShape) at `offsets` per axis; with `reverse`, reads the window instead. */
  CopyWindow(x: B, shape: readonly number[], out: B, outShape: readonly number[], offsets: readonly number[], reverse: boolean): void;
  Roll(x: B, shape: readonly number[], shifts: readonly number[], out: B): void;
  /** out = x.take(indices) along `axis`; with `scatter`, adds x into out at the indices (the backward). */
  Gather(x: B, shape: readonly number[], axis: number, indices: Int32Array, out: B, scatter: boolean): void;
  /** Row-wise (log-)softmax over the last axis. */
  Softmax(x: B, rows: number, cols: number, out: B, log: boolean): void;
  SoftmaxGrad(y: B, dy: B, rows: number, cols: number, dx: B, log: boolean): void;
  /** Mean label-smoothed cross-entropy; writes softmax probabilities for the backward. */
  CrossEntropy(logits: B, rows: number, cols: number, labels: Int32Array, smoothing: number, probs: B): number;
  CrossEntropyGrad(probs: B, rows: number, cols: number, labels: Int32Array, smoothing: number, scale: number, dx: B): void;
  AdamW(p: B, g: B, m: B, v: B, h: AdamWParams): void;
  Sgd(p: B, g: B, buf: B | null, h: SgdParams): void;
}


export type KernelName = keyof KernelSignatures<unknown>;

/** Every kernel name once; `satisfies` makes a name added to (or removed from) the signatures a compile error here. */
const NAMES = {
  Axpy: true, Scale: true, Binary: true, BroadcastBinary: true, RowScale: true, ReduceSum: true, SumRows: true,
  Gemm: true, Linear: true, LinearGrad: true, LinearPackedLength: true, LinearPack: true, LinearPacked: true, LayerNorm: true, LayerNormGrad: true, Gelu: true, BiasGelu: true,
  GeluGrad: true, BiasGeluGrad: true, ScaleAdd: true, ScaleAddGrad: true, QuadConv2d: true, QuadConv2dGrad: true, DwConv2d: true,
  DwConv2dGrad: true, Im2Col: true, Col2Im: true, Permute: true, CopyWindow: true, Roll: true, Gather: true,
  Softmax: true, SoftmaxGrad: true, CrossEntropy: true, CrossEntropyGrad: true, AdamW: true, Sgd: true,
} as const satisfies Record<KernelName, true>;

/** The kernel names, in the order of the signature table. */
export const KERNEL_NAMES: readonly KernelName[] = Object.keys(NAMES) as KernelName[];
