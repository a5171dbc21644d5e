/** Dense layers through the GEMM kernels: linear (PyTorch's [out, in] weights) and batched matmul. */
import type { LinearAct } from '@quadranet/lib';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { record } from '../autograd/node.js';
import { kernelBackend, kernels } from '../backends/dispatch.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { fmt, sizeOf } from '../shape.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { checkLastDim, checkRank, checkSame, checkVector } from './util.js';

/**
 * y = x·wᵀ + b over the last axis of x.
 *
 * @example
 * const y = linear(x, w, b); // x [8, 56, 56, 64], w [256, 64], b [256] -> y [8, 56, 56, 256]
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  checkSame('linear', { x, w, b });
  checkRank('linear', 'w', w, 2);
  const [outF, inF] = w.shape;
  checkLastDim('linear', 'x', x, inF);
  checkVector('linear', 'b', b, outF);
  const d = { rows: x.size / Math.max(inF, 1), inFeatures: inF, outFeatures: outF };
  const y = emptyLike(x, [...x.shape.slice(0, -1), outF]);
  kernels(x).Linear(x.buf(), w.buf(), b ? b.buf() : null, y.buf(), d);
  record('Linear', [x, w, b ?? null], [y], [x, w], ([g]) => {
    const dx = x.requiresGrad ? emptyLike(x) : null;
    const dw = w.requiresGrad ? emptyLike(w) : null;
    const db = b?.requiresGrad ? emptyLike(b) : null;
    kernels(x).LinearGrad(x.buf(), w.buf(), g!.buf(), d, dx?.buf() ?? null, dw?.buf() ?? null, db?.buf() ?? null);
    return [dx, dw, db];
  });
  return y;
}

/** Weights [out, in] packed once by `packLinear` for `linearPacked` (inference). */
export interface PackedLinear {
  /** 1-D, in the backend's layout (oneDNN's blocked one on x86-64): only valid in this process. */
  readonly packed: Tensor;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** The kernel table that packed it (its layout is that table's own): linearPacked runs only there. */
  readonly backend: 'cpu' | 'ref' | 'cuda';
}

/**
 * Packs w ([out, in]) into the layout `linearPacked` reads fastest. Pack again after w changes
 * (compare `w.version`); dispose `packed` when done.
 */
export function packLinear(w: Tensor): PackedLinear {
  checkSame('packLinear', { w });
  checkRank('packLinear', 'w', w, 2);
  const [outFeatures, inFeatures] = w.shape;
  const d = { rows: 1, inFeatures, outFeatures };
  const K = kernels(w);
  const packed = emptyLike(w, [K.LinearPackedLength(d)]);
  K.LinearPack(w.buf(), d, packed.buf());
  return { packed, inFeatures, outFeatures, backend: kernelBackend(w) };
}

export interface LinearPackedOptions {
  /** 'none' (default) or 'gelu' (erf form), applied before the residual is added. */
  act?: LinearAct;
  /** Added last, the output's shape (a residual connection). */
  residual?: Tensor;
}

/**
 * Inference's linear layer: act(x·wᵀ + b) + residual with w packed by `packLinear`; on x86-64 the
 * bias, GELU and residual run in oneDNN's GEMM epilogue, so the output is written once. It has no
 * backward: inputs that require a gradient are an error unless gradients are off (`noGrad`).
 *
 * @example
 * const p1 = packLinear(w1), p2 = packLinear(w2);
 * const y = noGrad(() => linearPacked(linearPacked(x, p1, b1, { act: 'gelu' }), p2, b2, { residual: x }));
 */
export function linearPacked(x: Tensor, w: PackedLinear, b?: Tensor | null, opts: LinearPackedOptions = {}): Tensor {
  const { act = 'none', residual } = opts;
  checkSame('linearPacked', { x, packed: w.packed, b, residual });
  if (act !== 'none' && act !== 'gelu') throw new ArgumentError(`linearPacked: opts.act must be 'none' or 'gelu', got ${JSON.stringify(act)}`);
  const backend = kernelBackend(x);
  if (w.backend !== backend) {
    throw new ArgumentError(`linearPacked: the weights were packed by the ${w.backend} backend, x runs on ${backend} (setBackend, dtype or device changed): packLinear them again`);
  }
  checkLastDim('linearPacked', 'x', x, w.inFeatures);
  checkVector('linearPacked', 'b', b, w.outFeatures);
  const shape = [...x.shape.slice(0, -1), w.outFeatures];
  if (residual && fmt(residual.shape) !== fmt(shape)) {
    throw new ShapeError(`linearPacked: opts.residual must have the output's shape ${fmt(shape)}, got ${fmt(residual.shape)}`);
  }
  if (isGradEnabled() && [x, b, residual].some((t) => t?.requiresGrad)) {
    throw new ArgumentError('linearPacked: it has no backward; call it under noGrad() or with inputs that do not require a gradient');
  }
  const d = { rows: x.size / Math.max(w.inFeatures, 1), inFeatures: w.inFeatures, outFeatures: w.outFeatures };
  const y = emptyLike(x, shape);
  kernels(x).LinearPacked(x.buf(), w.packed.buf(), b ? b.buf() : null, y.buf(), d, act, residual ? residual.buf() : null);
  return y;
}

/**
 * gelu(x·wᵀ + b) with the bias add and GELU fused into one pass after the GEMM; the pre-activation
 * is kept for the backward only when recording.
 *
 * @example
 * const h = linearGelu(x, w1, b1); // the first layer of a transformer/ConvNeXt MLP
 */
export function linearGelu(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  checkSame('linearGelu', { x, w, b });
  checkRank('linearGelu', 'w', w, 2);
  const [outF, inF] = w.shape;
  checkLastDim('linearGelu', 'x', x, inF);
  checkVector('linearGelu', 'b', b, outF);
  const d = { rows: x.size / Math.max(inF, 1), inFeatures: inF, outFeatures: outF };
  const shape = [...x.shape.slice(0, -1), outF];
  const K = kernels(x);
  const h = emptyLike(x, shape);
  K.Linear(x.buf(), w.buf(), null, h.buf(), d);
  const y = emptyLike(x, shape);
  K.BiasGelu(h.buf(), b ? b.buf() : null, outF, y.buf());
  record('LinearGelu', [x, w, b ?? null], [y], [x, w, h], ([g]) => {
    // GELU's backward and the bias gradient in one pass (BiasGeluGrad), then the GEMMs
    const dh = emptyLike(h);
    const db = b?.requiresGrad ? emptyLike(b) : null;
    K.BiasGeluGrad(h.buf(), g!.buf(), outF, dh.buf(), db?.buf() ?? null);
    const dx = x.requiresGrad ? emptyLike(x) : null;
    const dw = w.requiresGrad ? emptyLike(w) : null;
    K.LinearGrad(x.buf(), w.buf(), dh.buf(), d, dx?.buf() ?? null, dw?.buf() ?? null, null);
    dh.dispose();
    return [dx, dw, db];
  });
  h.dispose();
  return y;
}

/**
 * Batched matrix product a[..., m, k] · b[..., k, n] with equal batch shapes, or a 2-D b shared
 * by every batch. Each batch is one GEMM call on zero-copy sub-views.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkSame('matmul', { a, b });
  if (a.ndim < 2 || b.ndim < 2) throw new ShapeError(`matmul: a and b need at least 2 dimensions, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  const batchA = a.shape.slice(0, -2);
  const shared = b.ndim === 2;
  if (k !== k2 || (!shared && fmt(batchA) !== fmt(b.shape.slice(0, -2)))) {
    throw new ShapeError(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not line up (need a[..., m, k], b[..., k, n] with equal batch, or a 2-D b)`);
  }
  const batch = sizeOf(batchA);
  const y = emptyLike(a, [...batchA, m, n]);
  const K = kernels(a);
  const run = (fn: (i: number, sa: number, sb: number, sy: number) => void) => {
    for (let i = 0; i < batch; i++) fn(i, i * m * k, shared ? 0 : i * k * n, i * m * n);
  };
  if (shared) {
    K.Gemm(a.buf(), b.buf(), y.buf(), { m: batch * m, n, k });
  } else {
    const ad = a.buf();
    const bd = b.buf();
    const yd = y.buf();
    run((_, sa, sb, sy) => K.Gemm(ad.subarray(sa, sa + m * k), bd.subarray(sb, sb + k * n), yd.subarray(sy, sy + m * n), { m, n, k }));
  }
  record('MatMul', [a, b], [y], [a, b], ([g]) => {
    const gd = g!.buf();
    const da = a.requiresGrad ? emptyLike(a) : null;
    const dbt = b.requiresGrad ? emptyLike(b) : null;
    const ad = a.buf();
    const bd = b.buf();
    if (shared) {
      if (da) K.Gemm(gd, bd, da.buf(), { m: batch * m, n: k, k: n, transB: true });
      if (dbt) K.Gemm(ad, gd, dbt.buf(), { m: k, n, k: batch * m, transA: true });
    } else {
      run((_, sa, sb, sy) => {
        const gi = gd.subarray(sy, sy + m * n);
        if (da) K.Gemm(gi, bd.subarray(sb, sb + k * n), da.buf().subarray(sa, sa + m * k), { m, n: k, k: n, transB: true });
        if (dbt) K.Gemm(ad.subarray(sa, sa + m * k), gi, dbt.buf().subarray(sb, sb + k * n), { m: k, n, k: m, transA: true });
      });
    }
    return [da, dbt];
  });
  return y;
}
