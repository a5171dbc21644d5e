/**
 * Convolutions, NHWC. conv2d (dense, weights OHWI [out, kh, kw, in]) runs as im2col + GEMM, with
 * the patch matrix rebuilt in the backward instead of kept; quadConv2d and dwConv2d run the fused
 * depthwise kernels of @quadranet/lib (weights [k, k, C]).
 */
import type { ConvShape } from '@quadranet/lib';
import { record } from '../autograd/node.js';
import { kernels } from '../backends/dispatch.js';
import { ArgumentError, checkOptionKeys, ShapeError } from '../errors.js';
import type { Conv2dGeom } from '../kernels/names.js';
import { fmt } from '../shape.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { checkRank, checkSame, checkVector } from './util.js';

export interface Conv2dOptions {
  stride?: number;
  padding?: number;
}

function geometry(x: Tensor, w: Tensor, o: Conv2dOptions): Conv2dGeom {
  checkOptionKeys('conv2d', o, ['stride', 'padding']);
  checkRank('conv2d', 'x', x, 4);
  checkRank('conv2d', 'w', w, 4);
  const [n, h, wd, c] = x.shape;
  const [, kh, kw, cin] = w.shape;
  const stride = o.stride ?? 1;
  const pad = o.padding ?? 0;
  if (!Number.isInteger(stride) || stride < 1) throw new ArgumentError(`conv2d: stride must be a positive integer, got ${stride}`);
  if (!Number.isInteger(pad) || pad < 0) throw new ArgumentError(`conv2d: padding must be a non-negative integer, got ${pad}`);
  if (cin !== c) throw new ShapeError(`conv2d: w ${fmt(w.shape)} (OHWI) expects ${cin} input channels, x ${fmt(x.shape)} (NHWC) has ${c}`);
  const ho = Math.floor((h + 2 * pad - kh) / stride) + 1;
  const wo = Math.floor((wd + 2 * pad - kw) / stride) + 1;
  if (ho < 1 || wo < 1) throw new ShapeError(`conv2d: kernel ${kh}x${kw} does not fit input ${h}x${wd} with padding ${pad}`);
  return { n, h, w: wd, c, kh, kw, stride, pad, ho, wo };
}

/**
 * Dense 2-D convolution. With kernel = stride and no padding it is the patchify stem/downsample.
 *
 * @example
 * const y = conv2d(x, w, b, { stride: 4 }); // x [N, 224, 224, 3], w [C, 4, 4, 3] -> [N, 56, 56, C]
 */
export function conv2d(x: Tensor, w: Tensor, b?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  checkSame('conv2d', { x, w, b });
  const g = geometry(x, w, opts);
  const out = w.shape[0];
  checkVector('conv2d', 'b', b, out);
  const d = { rows: g.n * g.ho * g.wo, inFeatures: g.kh * g.kw * g.c, outFeatures: out };
  const K = kernels(x);
  const cols = emptyLike(x, [d.rows, d.inFeatures]);
  K.Im2Col(x.buf(), g, cols.buf());
  const y = emptyLike(x, [g.n, g.ho, g.wo, out]);
  K.Linear(cols.buf(), w.buf(), b?.buf() ?? null, y.buf(), d);
  cols.dispose();
  record('Conv2d', [x, w, b ?? null], [y], [x, w], ([gy]) => {
    const colsB = emptyLike(x, [d.rows, d.inFeatures]);
    K.Im2Col(x.buf(), g, colsB.buf());
    const dcols = x.requiresGrad ? emptyLike(x, colsB.shape) : null;
    const dw = w.requiresGrad ? emptyLike(w) : null;
    const db = b?.requiresGrad ? emptyLike(b) : null;
    K.LinearGrad(colsB.buf(), w.buf(), gy!.buf(), d, dcols?.buf() ?? null, dw?.buf() ?? null, db?.buf() ?? null);
    colsB.dispose();
    let dx: Tensor | null = null;
    if (dcols) {
      dx = emptyLike(x);
      K.Col2Im(dcols.buf(), g, dx.buf());
      dcols.dispose();
    }
    return [dx, dw, db];
  });
  return y;
}

function depthwiseShape(op: string, x: Tensor, w: Tensor, k: number): ConvShape {
  checkRank(op, 'x', x, 4);
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0) throw new ArgumentError(`${op}: k must be an odd positive integer, got ${k}`);
  const [n, h, wd, c] = x.shape;
  if (fmt(w.shape) !== fmt([k, k, c])) throw new ShapeError(`${op}: weights must have shape [${k}, ${k}, ${c}], got ${fmt(w.shape)}`);
  return { n, h, w: wd, c };
}

/** Weights of the quadratic depthwise conv: three [k, k, C] kernels and optional biases [C]. */
export interface QuadConvParams {
  wa: Tensor;
  ba?: Tensor | null;
  wb: Tensor;
  bb?: Tensor | null;
  wc: Tensor;
  bc?: Tensor | null;
}

export interface QuadConvOptions {
  /** Keep A and B from the forward for the backward (faster backward, 2 more activations held). */
  saveAB?: boolean;
}

/**
 * The quadratic depthwise conv y = DWa(x) ⊙ DWb(x) + DWc(x), stride 1, same padding, one fused kernel.
 *
 * @example
 * const y = quadConv2d(x, { wa, ba, wb, bb, wc, bc }, 7);
 */
export function quadConv2d(x: Tensor, p: QuadConvParams, k: number, opts: QuadConvOptions = {}): Tensor {
  checkOptionKeys('quadConv2d', opts, ['saveAB']);
  const { wa, ba, wb, bb, wc, bc } = p;
  checkSame('quadConv2d', { x, wa, ba, wb, bb, wc, bc });
  const s = depthwiseShape('quadConv2d', x, wa, k);
  depthwiseShape('quadConv2d', x, wb, k);
  depthwiseShape('quadConv2d', x, wc, k);
  for (const [name, t] of [['ba', ba], ['bb', bb], ['bc', bc]] as const) checkVector('quadConv2d', name, t, s.c);
  const raw = () => ({ wa: wa.buf(), ba: ba?.buf(), wb: wb.buf(), bb: bb?.buf(), wc: wc.buf(), bc: bc?.buf() });
  const y = emptyLike(x);
  const K = kernels(x);
  const willRecord = [x, wa, ba, wb, bb, wc, bc].some((t) => t?.requiresGrad);
  const saved = opts.saveAB && willRecord ? { a: emptyLike(x), b: emptyLike(x) } : null;
  K.QuadConv2d(x.buf(), s, k, raw(), y.buf(), saved ? { a: saved.a.buf(), b: saved.b.buf() } : null);
  const keepList = [x, wa, wb, wc, ...(saved ? [saved.a, saved.b] : [])];
  record('QuadConv2d', [x, wa, ba ?? null, wb, bb ?? null, wc, bc ?? null], [y], keepList, ([g]) => {
    const gr = {
      dx: emptyLike(x), dwa: emptyLike(wa), dba: emptyLike(x, [s.c]), dwb: emptyLike(wb),
      dbb: emptyLike(x, [s.c]), dwc: emptyLike(wc), dbc: emptyLike(x, [s.c]),
    };
    const raws = Object.fromEntries(Object.entries(gr).map(([key, t]) => [key, t.buf()])) as Record<keyof typeof gr, ReturnType<Tensor['data']>>;
    K.QuadConv2dGrad(x.buf(), s, k, raw(), g!.buf(), saved ? { a: saved.a.buf(), b: saved.b.buf() } : null, raws);
    const pick = (t: Tensor | null | undefined, gt: Tensor) => (t?.requiresGrad ? gt : (gt.dispose(), null));
    return [pick(x, gr.dx), pick(wa, gr.dwa), pick(ba, gr.dba), pick(wb, gr.dwb), pick(bb, gr.dbb), pick(wc, gr.dwc), pick(bc, gr.dbc)];
  });
  saved?.a.dispose();
  saved?.b.dispose();
  return y;
}

/**
 * Depthwise conv, stride 1, same padding (ConvNeXt's spatial mixer).
 *
 * @example
 * const y = dwConv2d(x, w, b, 7); // w [7, 7, C]
 */
export function dwConv2d(x: Tensor, w: Tensor, b: Tensor | null | undefined, k: number): Tensor {
  checkSame('dwConv2d', { x, w, b });
  const s = depthwiseShape('dwConv2d', x, w, k);
  checkVector('dwConv2d', 'b', b, s.c);
  const y = emptyLike(x);
  const K = kernels(x);
  K.DwConv2d(x.buf(), s, k, w.buf(), b?.buf() ?? null, y.buf());
  record('DwConv2d', [x, w, b ?? null], [y], [x, w], ([g]) => {
    const dx = emptyLike(x);
    const dw = emptyLike(w);
    const db = emptyLike(x, [s.c]);
    K.DwConv2dGrad(x.buf(), s, k, w.buf(), g!.buf(), dx.buf(), dw.buf(), db.buf());
    return [x.requiresGrad ? dx : (dx.dispose(), null), w.requiresGrad ? dw : (dw.dispose(), null), b?.requiresGrad ? db : (db.dispose(), null)];
  });
  return y;
}
