/** Dense layers through the GEMM kernels: linear (PyTorch's [out, in] weights) and batched matmul. */
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ShapeError } from '../errors.js';
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
    const dh = emptyLike(h);
    K.GeluGrad(h.buf(), g!.buf(), dh.buf());
    const dx = x.requiresGrad ? emptyLike(x) : null;
    const dw = w.requiresGrad ? emptyLike(w) : null;
    const db = b?.requiresGrad ? emptyLike(b) : null;
    K.LinearGrad(x.buf(), w.buf(), dh.buf(), d, dx?.buf() ?? null, dw?.buf() ?? null, db?.buf() ?? null);
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
