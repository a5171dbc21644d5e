/** Reference convolutions: the depthwise ones from @quadranet/lib/reference, im2col for dense convs. */
import { correlate, dwconv2dBackwardRef, dwconv2dRef, quadconv2dBackwardRef, quadconv2dRef } from '@quadranet/lib/reference';
import type { FArray } from '../../dtype.js';
import type { Conv2dGeom, KernelTable } from '../../kernels/names.js';

/** Visits every (patch row, patch column, source index or -1 for padding). */
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

export const convRef: Pick<KernelTable, 'QuadConv2d' | 'QuadConv2dGrad' | 'DwConv2d' | 'DwConv2dGrad' | 'Im2Col' | 'Col2Im'> = {
  QuadConv2d(x, s, k, w, y, saved) {
    y.set(quadconv2dRef(x, s, w, k));
    if (saved) {
      saved.a.set(correlate(x, s, w.wa, w.ba, k));
      saved.b.set(correlate(x, s, w.wb, w.bb, k));
    }
  },
  QuadConv2dGrad(x, s, k, w, dy, _saved, g) {
    const r = quadconv2dBackwardRef(x, s, w, k, dy);
    for (const key of ['dx', 'dwa', 'dba', 'dwb', 'dbb', 'dwc', 'dbc'] as const) g[key].set(r[key]);
  },
  DwConv2d(x, s, k, w, b, y) {
    y.set(dwconv2dRef(x, s, { w, b: b ?? undefined }, k));
  },
  DwConv2dGrad(x, s, k, w, dy, dx, dw, db) {
    const r = dwconv2dBackwardRef(x, s, { w }, k, dy);
    dx.set(r.dx);
    dw.set(r.dw);
    db.set(r.db);
  },
  Im2Col(x, g, cols) {
    forEachPatch(g, (row, col, src) => {
      cols[row + col] = src < 0 ? 0 : x[src];
    });
  },
  Col2Im(cols, g, dx: FArray) {
    dx.fill(0);
    forEachPatch(g, (row, col, src) => {
      if (src >= 0) dx[src] += cols[row + col];
    });
  },
};
