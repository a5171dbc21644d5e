/** Reference conv family: depthwise correlation primitives, the quadratic and plain depthwise convs, im2col/col2im. */
import type { Conv2dGeom, KernelSignatures } from '../kernel-table.js';
import type { ConvShape, DwGrads, DwWeights, FloatArray, QuadGrads, QuadWeights } from '../types.js';

/** A zeroed array of the same element type as `like`. */
export function zerosLike(like: FloatArray, length: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/**
 * Calls visit(o, i, t) for every output element o (NHWC index), every tap t of the [k, k, C]
 * weights, and the input element i = x[n, h+ky-p, w+kx-p, c] that tap reads (taps falling in
 * the zero padding are skipped). All three primitives below are this loop.
 */
function forEachTap(s: ConvShape, k: number, visit: (o: number, i: number, t: number) => void): void {
  const { n: N, h: H, w: W, c: C } = s;
  const p = (k - 1) / 2;
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) {
          const o = ((n * H + h) * W + w) * C + c;
          for (let ky = 0; ky < k; ky++) {
            const ih = h + ky - p;
            if (ih < 0 || ih >= H) continue;
            for (let kx = 0; kx < k; kx++) {
              const iw = w + kx - p;
              if (iw < 0 || iw >= W) continue;
              visit(o, ((n * H + ih) * W + iw) * C + c, (ky * k + kx) * C + c);
            }
          }
        }
}

/** Rounds a float64 accumulator to the element type of `like`. */
function castLike(like: FloatArray, a: Float64Array): FloatArray {
  return like instanceof Float64Array ? a : Float32Array.from(a);
}

/** out[n,h,w,c] = b[c] + sum_{ky,kx} wt[ky,kx,c] * x[n, h+ky-p, w+kx-p, c] (zero outside). */
export function correlate(x: FloatArray, s: ConvShape, wt: FloatArray, b: FloatArray | undefined, k: number): FloatArray {
  const acc = new Float64Array(x.length);
  if (b) for (let o = 0; o < acc.length; o++) acc[o] = b[o % s.c];
  forEachTap(s, k, (o, i, t) => {
    acc[o] += wt[t] * x[i];
  });
  return castLike(x, acc);
}

/** dx += the input gradient of `correlate` for output gradient g (scatter form). */
export function correlateInputGrad(g: FloatArray, s: ConvShape, wt: FloatArray, k: number, dx: FloatArray): void {
  forEachTap(s, k, (o, i, t) => {
    dx[i] += wt[t] * g[o];
  });
}

/** The weight and bias gradients of `correlate` for output gradient g. */
export function correlateWeightGrad(x: FloatArray, g: FloatArray, s: ConvShape, k: number): { dw: FloatArray; db: FloatArray } {
  const dw = new Float64Array(k * k * s.c);
  const db = new Float64Array(s.c);
  for (let o = 0; o < g.length; o++) db[o % s.c] += g[o];
  forEachTap(s, k, (o, i, t) => {
    dw[t] += g[o] * x[i];
  });
  return { dw: castLike(x, dw), db: castLike(x, db) };
}

export function quadconv2dRef<T extends FloatArray>(x: T, s: ConvShape, wt: QuadWeights<T>, k: number): T {
  const a = correlate(x, s, wt.wa, wt.ba, k);
  const b = correlate(x, s, wt.wb, wt.bb, k);
  const y = correlate(x, s, wt.wc, wt.bc, k);
  for (let i = 0; i < y.length; i++) y[i] += a[i] * b[i];
  return y as T;
}

/** Gradients of sum(dy . y): gA = dy . B, gB = dy . A, gC = dy. */
export function quadconv2dBackwardRef<T extends FloatArray>(
  x: T, s: ConvShape, wt: QuadWeights<T>, k: number, dy: T,
): QuadGrads<T> {
  const a = correlate(x, s, wt.wa, wt.ba, k);
  const b = correlate(x, s, wt.wb, wt.bb, k);
  const ga = zerosLike(x, x.length);
  const gb = zerosLike(x, x.length);
  for (let i = 0; i < x.length; i++) {
    ga[i] = dy[i] * b[i];
    gb[i] = dy[i] * a[i];
  }
  // Sum the three input-gradient contributions in float64, then round once.
  const dx64 = new Float64Array(x.length);
  correlateInputGrad(ga, s, wt.wa, k, dx64);
  correlateInputGrad(gb, s, wt.wb, k, dx64);
  correlateInputGrad(dy, s, wt.wc, k, dx64);
  const ra = correlateWeightGrad(x, ga, s, k);
  const rb = correlateWeightGrad(x, gb, s, k);
  const rc = correlateWeightGrad(x, dy, s, k);
  const dx = x instanceof Float64Array ? dx64 : Float32Array.from(dx64);
  return { dx, dwa: ra.dw, dba: ra.db, dwb: rb.dw, dbb: rb.db, dwc: rc.dw, dbc: rc.db } as QuadGrads<T>;
}

export function dwconv2dRef<T extends FloatArray>(x: T, s: ConvShape, wt: DwWeights<T>, k: number): T {
  return correlate(x, s, wt.w, wt.b, k) as T;
}

export function dwconv2dBackwardRef<T extends FloatArray>(x: T, s: ConvShape, wt: DwWeights<T>, k: number, dy: T): DwGrads<T> {
  const dx64 = new Float64Array(x.length);
  correlateInputGrad(dy, s, wt.w, k, dx64);
  const { dw, db } = correlateWeightGrad(x, dy, s, k);
  const dx = x instanceof Float64Array ? dx64 : Float32Array.from(dx64);
  return { dx, dw, db } as DwGrads<T>;
}

/** Visits every (patch row offset, patch column, source index or -1 for padding) of an im2col. */
function forEachPatch(g: Conv2dGeom, fn: (row: number, col: number, src: number) => void): void {
  const pc = g.kh * g.kw * g.c;
  for (let n = 0; n < g.n; n++) {
    for (let oy = 0; oy < g.ho; oy++) {
      for (let ox = 0; ox < g.wo; ox++) {
        const row = (n * g.ho + oy) * g.wo + ox;
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = oy * g.stride - g.pad + ky;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = ox * g.stride - g.pad + kx;
            const inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
            const base = ((n * g.h + iy) * g.w + ix) * g.c;
            const col0 = (ky * g.kw + kx) * g.c;
            for (let c = 0; c < g.c; c++) fn(row * pc, col0 + c, inside ? base + c : -1);
          }
        }
      }
    }
  }
}

/** NHWC patches to rows of [kh kw c] (zero padding). */
export function im2colRef(x: FloatArray, g: Conv2dGeom, cols: FloatArray): void {
  forEachPatch(g, (row, col, src) => {
    cols[row + col] = src < 0 ? 0 : x[src];
  });
}

/** dx = 0, then every patch row is added back at the pixels it was read from. */
export function col2imRef(cols: FloatArray, g: Conv2dGeom, dx: FloatArray): void {
  dx.fill(0);
  forEachPatch(g, (row, col, src) => {
    if (src >= 0) dx[src] += cols[row + col];
  });
}

export const convKernels: Pick<KernelSignatures<FloatArray>,
  'QuadConv2d' | 'QuadConv2dGrad' | 'DwConv2d' | 'DwConv2dGrad' | 'Im2Col' | 'Col2Im'> = {
  QuadConv2d(x, s, k, w, y, saved) {
    y.set(quadconv2dRef(x, s, w, k));
    if (saved) {
      saved.a.set(correlate(x, s, w.wa, w.ba, k));
      saved.b.set(correlate(x, s, w.wb, w.bb, k));
    }
  },
  QuadConv2dGrad(x, s, k, w, dy, _saved, g) {
    // The reference always recomputes A and B: saved ones are the same values.
    const r = quadconv2dBackwardRef(x, s, w, k, dy);
    for (const key of ['dx', 'dwa', 'dba', 'dwb', 'dbb', 'dwc', 'dbc'] as const) g[key]?.set(r[key]);
  },
  DwConv2d(x, s, k, w, b, y) {
    y.set(dwconv2dRef(x, s, { w, b: b ?? undefined }, k));
  },
  DwConv2dGrad(x, s, k, w, dy, dx, dw, db) {
    const r = dwconv2dBackwardRef(x, s, { w }, k, dy);
    dx?.set(r.dx);
    dw.set(r.dw);
    db?.set(r.db);
  },
  Im2Col: im2colRef,
  Col2Im: col2imRef,
};
