/**
 * One valid call per kernel, built from small random sizes: the fuzz starts from it and mutates
 * arguments, so the checks past the first one are reached too. `names` are the parameter names
 * as the signatures spell them (an error message must start with one of them).
 */
import type { KernelName } from '../../src/kernel-table.js';
import type { Spec } from './values.js';

export interface Dims {
  n: number; h: number; w: number; c: number; k: number;
  r: number; q: number; m: number; p: number; kk: number;
  stride: number; pad: number; kh: number; kw: number;
  shape: number[];
}

export interface Call {
  names: string[];
  args: Spec[];
}

const f = (n: number): Spec => ({ f32: n });
const i = (v: number): Spec => ({ num: v });
const s = (v: string): Spec => ({ str: v });
const b = (v: boolean): Spec => ({ bool: v });
const nul: Spec = { nul: true };
const ints = (v: number[]): Spec => ({ ints: v });
const obj = (o: Record<string, Spec>): Spec => ({ obj: o });
const prod = (xs: number[]) => xs.reduce((a, x) => a * x, 1);
const call = (names: string, ...args: Spec[]): Call => ({ names: names.split(' '), args });

const linDims = (d: Dims) => obj({ rows: i(d.r), inFeatures: i(d.q), outFeatures: i(d.p) });
const convShape = (d: Dims) => obj({ n: i(d.n), h: i(d.h), w: i(d.w), c: i(d.c) });
const quadW = (d: Dims) => {
  const t = d.k * d.k * d.c;
  return obj({ wa: f(t), ba: f(d.c), wb: f(t), bb: f(d.c), wc: f(t), bc: f(d.c) });
};
const geom = (d: Dims) => {
  const ho = Math.floor((d.h + 2 * d.pad - d.kh) / d.stride) + 1;
  const wo = Math.floor((d.w + 2 * d.pad - d.kw) / d.stride) + 1;
  return { ho, wo, spec: obj({ n: i(d.n), h: i(d.h), w: i(d.w), c: i(d.c), kh: i(d.kh), kw: i(d.kw), stride: i(d.stride), pad: i(d.pad), ho: i(ho), wo: i(wo) }) };
};
const adam = obj({ lr: i(1e-3), beta1: i(0.9), beta2: i(0.999), eps: i(1e-8), weightDecay: i(0.01), step: i(1) });
const sgd = obj({ lr: i(0.1), momentum: i(0.9), dampening: i(0), weightDecay: i(0), nesterov: b(false), step: i(1) });

/** A valid call of every kernel for sizes `d` (geometry kept valid: kh, kw <= h + 2 pad). */
export const VALID: Record<KernelName, (d: Dims) => Call> = {
  Axpy: (d) => call('alpha x y', i(0.5), f(d.m), f(d.m)),
  Scale: (d) => call('x alpha out', f(d.m), i(2), f(d.m)),
  Binary: (d) => call('op a b out mode', s('mul'), f(d.r * d.q), f(d.q), f(d.r * d.q), s('row')),
  BroadcastBinary: (d) => {
    const bShape = d.shape.map((x, j) => (j === d.shape.length - 1 ? 1 : x));
    return call('op a aShape b bShape out outShape', s('add'), f(prod(d.shape)), ints(d.shape), f(prod(bShape)), ints(bShape), f(prod(d.shape)), ints(d.shape));
  },
  RowScale: (d) => call('x rows cols s out', f(d.r * d.q), i(d.r), i(d.q), f(d.r), f(d.r * d.q)),
  ReduceSum: (d) => call('x shape axes out', f(prod(d.shape)), ints(d.shape), ints([0]), f(prod(d.shape.slice(1)))),
  SumRows: (d) => call('x rows cols out', f(d.r * d.q), i(d.r), i(d.q), f(d.q)),
  Gemm: (d) => call('a b c d', f(d.m * d.kk), f(d.kk * d.p), f(d.m * d.p), obj({ m: i(d.m), n: i(d.p), k: i(d.kk), transA: b(false), transB: b(false), alpha: i(1), beta: i(0.5) })),
  Linear: (d) => call('x w b y d', f(d.r * d.q), f(d.p * d.q), f(d.p), f(d.r * d.p), linDims(d)),
  LinearGrad: (d) => call('x w dy d dx dw db', f(d.r * d.q), f(d.p * d.q), f(d.r * d.p), linDims(d), f(d.r * d.q), f(d.p * d.q), f(d.p)),
  LinearPackedLength: (d) => call('d', linDims(d)),
  // The packed length is the backend's own: filled in by the test before the call.
  LinearPack: (d) => call('w d packed', f(d.p * d.q), linDims(d), { f32: -1 }),
  LinearPacked: (d) => call('x packed b y d act residual', f(d.r * d.q), { f32: -1 }, f(d.p), f(d.r * d.p), linDims(d), s('gelu'), f(d.r * d.p)),
  LayerNorm: (d) => call('x rows cols gamma beta eps y mean rstd', f(d.r * d.q), i(d.r), i(d.q), f(d.q), f(d.q), i(1e-5), f(d.r * d.q), f(d.r), f(d.r)),
  LayerNormGrad: (d) => call('x rows cols gamma mean rstd dy dx dgamma dbeta', f(d.r * d.q), i(d.r), i(d.q), f(d.q), f(d.r), f(d.r), f(d.r * d.q), f(d.r * d.q), f(d.q), f(d.q)),
  Gelu: (d) => call('x y', f(d.m), f(d.m)),
  BiasGelu: (d) => call('h bias cols y', f(d.r * d.q), f(d.q), i(d.q), f(d.r * d.q)),
  GeluGrad: (d) => call('x dy dx', f(d.m), f(d.m), f(d.m)),
  BiasGeluGrad: (d) => call('h dy cols dh db', f(d.r * d.q), f(d.r * d.q), i(d.q), f(d.r * d.q), f(d.q)),
  ScaleAdd: (d) => call('x z gamma cols out sampleScale', f(d.r * d.q), f(d.r * d.q), f(d.q), i(d.q), f(d.r * d.q), f(d.r)),
  ScaleAddGrad: (d) => call('z gamma dy cols dz dgamma sampleScale', f(d.r * d.q), f(d.q), f(d.r * d.q), i(d.q), f(d.r * d.q), f(d.q), f(d.r)),
  QuadConv2d: (d) => {
    const n = d.n * d.h * d.w * d.c;
    return call('x shape k w y saved', f(n), convShape(d), i(d.k), quadW(d), f(n), obj({ a: f(n), b: f(n) }));
  },
  QuadConv2dGrad: (d) => {
    const n = d.n * d.h * d.w * d.c, t = d.k * d.k * d.c;
    const g = obj({ dx: f(n), dwa: f(t), dba: f(d.c), dwb: f(t), dbb: f(d.c), dwc: f(t), dbc: f(d.c) });
    return call('x shape k w dy saved g', f(n), convShape(d), i(d.k), quadW(d), f(n), nul, g);
  },
  DwConv2d: (d) => {
    const n = d.n * d.h * d.w * d.c;
    return call('x shape k w b y', f(n), convShape(d), i(d.k), f(d.k * d.k * d.c), f(d.c), f(n));
  },
  DwConv2dGrad: (d) => {
    const n = d.n * d.h * d.w * d.c;
    return call('x shape k w dy dx dw db', f(n), convShape(d), i(d.k), f(d.k * d.k * d.c), f(n), f(n), f(d.k * d.k * d.c), f(d.c));
  },
  Im2Col: (d) => {
    const g = geom(d);
    return call('x g cols', f(d.n * d.h * d.w * d.c), g.spec, f(d.n * g.ho * g.wo * d.kh * d.kw * d.c));
  },
  Col2Im: (d) => {
    const g = geom(d);
    return call('cols g dx', f(d.n * g.ho * g.wo * d.kh * d.kw * d.c), g.spec, f(d.n * d.h * d.w * d.c));
  },
  Permute: (d) => call('x shape perm out', f(prod(d.shape)), ints(d.shape), ints(d.shape.map((_, j) => d.shape.length - 1 - j)), f(prod(d.shape))),
  CopyWindow: (d) => {
    const outShape = d.shape.map((x) => x + 1);
    return call('x shape out outShape offsets reverse', f(prod(d.shape)), ints(d.shape), f(prod(outShape)), ints(outShape), ints(d.shape.map(() => 1)), b(false));
  },
  Roll: (d) => call('x shape shifts out', f(prod(d.shape)), ints(d.shape), ints(d.shape.map((_, j) => j - 1)), f(prod(d.shape))),
  Gather: (d) => {
    const picked = d.shape.map((x, j) => (j === 0 ? d.m : x));
    return call('x shape axis indices out scatter', f(prod(d.shape)), ints(d.shape), i(0), { i32: d.m, max: d.shape[0] }, f(prod(picked)), b(false));
  },
  Softmax: (d) => call('x rows cols out log', f(d.r * d.q), i(d.r), i(d.q), f(d.r * d.q), b(true)),
  SoftmaxGrad: (d) => call('y dy rows cols dx log', f(d.r * d.q), f(d.r * d.q), i(d.r), i(d.q), f(d.r * d.q), b(false)),
  CrossEntropy: (d) => call('logits rows cols labels smoothing probs', f(d.r * d.q), i(d.r), i(d.q), { i32: d.r, max: d.q }, i(0.1), f(d.r * d.q)),
  CrossEntropyGrad: (d) => call('probs rows cols labels smoothing scale dx', f(d.r * d.q), i(d.r), i(d.q), { i32: d.r, max: d.q }, i(0.1), i(0.5), f(d.r * d.q)),
  AdamW: (d) => call('p g m v h', f(d.m), f(d.m), f(d.m), f(d.m), adam),
  Sgd: (d) => call('p g buf h', f(d.m), f(d.m), f(d.m), sgd),
};
