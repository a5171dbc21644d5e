/** Native depthwise and quadratic depthwise convs (float32) from @quadranet/lib. */
import { dwconv2d, dwconv2dBackward, quadconv2d, quadconv2dBackward, type QuadWeights } from '@quadranet/lib';
import type { FArray } from '../../dtype.js';
import { f32 } from './cast.js';
import type { KernelTable } from '../../kernels/names.js';

const f32w = (w: QuadWeights<FArray>): QuadWeights => w as QuadWeights;

export const convCpu: Pick<KernelTable, 'QuadConv2d' | 'QuadConv2dGrad' | 'DwConv2d' | 'DwConv2dGrad'> = {
  QuadConv2d(x, s, k, w, y, saved) {
    quadconv2d(f32(x), s, f32w(w), k, { out: f32(y), save: saved ? { a: f32(saved.a), b: f32(saved.b) } : undefined });
  },
  QuadConv2dGrad(x, s, k, w, dy, saved, g) {
    quadconv2dBackward(f32(x), s, f32w(w), k, f32(dy), {
      saved: saved ? { a: f32(saved.a), b: f32(saved.b) } : undefined,
      out: g as unknown as Record<string, Float32Array>,
    });
  },
  DwConv2d(x, s, k, w, b, y) {
    dwconv2d(f32(x), s, { w: f32(w), b: b ? f32(b) : undefined }, k, { out: f32(y) });
  },
  DwConv2dGrad(x, s, k, w, dy, dx, dw, db) {
    dwconv2dBackward(f32(x), s, { w: f32(w) }, k, f32(dy), { out: { dx: f32(dx), dw: f32(dw), db: f32(db) } });
  },
};
