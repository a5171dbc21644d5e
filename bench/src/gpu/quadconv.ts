/**
 * Fused quadratic depthwise conv on cuda through @quadranet/core's cuda kernel table: forward,
 * forward+backward recomputing A and B, and forward+backward with the forward's saved A and B.
 * Inputs are seeded on the host and uploaded once; nothing else crosses the bus while timing.
 */
import { Generator, kernels, randn, zeros, type Tensor } from '@quadranet/core';
import type { ConvShape } from '@quadranet/lib';
import { quadFlops } from '../flops.js';
import { timeDevice } from './device-timing.js';

export interface GpuQuadResult {
  n: number; h: number; w: number; c: number; k: number;
  runs: number;
  fwd_ms: number;
  fwdbwd_ms: number;
  fwdbwd_saved_ms: number;
  fwd_tflops: number;
  fwdbwd_tflops: number;
}

export function benchQuadConvCuda(s: ConvShape, k: number, warmup: number, runs: number): GpuQuadResult {
  const g = new Generator(s.n * s.c + k);
  const dev = { device: 'cuda' as const, generator: g };
  const count = s.n * s.h * s.w * s.c;
  const x = randn([s.n, s.h, s.w, s.c], dev);
  const dy = randn([s.n, s.h, s.w, s.c], dev);
  const w = (shape: number[]) => randn(shape, dev);
  const ts: Tensor[] = [x, dy, w([k, k, s.c]), w([s.c]), w([k, k, s.c]), w([s.c]), w([k, k, s.c]), w([s.c])];
  const [, , wa, ba, wb, bb, wc, bc] = ts;
  const weights = { wa: wa.buf(), ba: ba.buf(), wb: wb.buf(), bb: bb.buf(), wc: wc.buf(), bc: bc.buf() };
  const out = () => zeros([count], { device: 'cuda' });
  const y = out();
  const saved = { a: out(), b: out() };
  const grads = {
    dx: out(), dwa: zeros([k * k * s.c], { device: 'cuda' }), dba: zeros([s.c], { device: 'cuda' }), dwb: zeros([k * k * s.c], { device: 'cuda' }),
    dbb: zeros([s.c], { device: 'cuda' }), dwc: zeros([k * k * s.c], { device: 'cuda' }), dbc: zeros([s.c], { device: 'cuda' }),
  };
  const gb = Object.fromEntries(Object.entries(grads).map(([key, t]) => [key, t.buf()])) as Record<keyof typeof grads, ReturnType<Tensor['buf']>>;
  const K = kernels(x);
  try {
    const fwd = timeDevice(() => K.QuadConv2d(x.buf(), s, k, weights, y.buf(), null), warmup, runs);
    const fwdbwd = timeDevice(() => {
      K.QuadConv2d(x.buf(), s, k, weights, y.buf(), null);
      K.QuadConv2dGrad(x.buf(), s, k, weights, dy.buf(), null, gb);
    }, warmup, runs);
    const sv = { a: saved.a.buf(), b: saved.b.buf() };
    const fwdbwdSaved = timeDevice(() => {
      K.QuadConv2d(x.buf(), s, k, weights, y.buf(), sv);
      K.QuadConv2dGrad(x.buf(), s, k, weights, dy.buf(), sv, gb);
    }, warmup, runs);
    const flops = quadFlops(s, k);
    const best = Math.min(fwdbwd.ms, fwdbwdSaved.ms);
    return {
      ...s, k, runs, fwd_ms: fwd.ms, fwdbwd_ms: fwdbwd.ms, fwdbwd_saved_ms: fwdbwdSaved.ms,
      fwd_tflops: flops.fwd / fwd.ms / 1e9, fwdbwd_tflops: flops.fwdbwd / best / 1e9,
    };
  } finally {
    for (const t of [...ts, y, saved.a, saved.b, ...Object.values(grads)]) t.dispose();
  }
}
