/**
 * `pnpm bench quadconv`: the fused quadratic depthwise conv against our own unfused path (three
 * dwconv2d calls + multiply + add), TensorFlow.js (wasm and cpu backends, tf.fused.depthwiseConv2d
 * with bias) and PyTorch (three depthwise Conv2d + mul + add, channels_last, bench/python), with
 * GFLOP/s and the fraction of this machine's measured FMA peak. Every peer's output is checked
 * against ours (relative L2 ≤ 1e-4; PyTorch's dx too) before it is timed.
 */
import {
  allocFloat32, dwconv2d, dwconv2dBackward, quadconv2d, quadconv2dBackward, type ConvShape, type QuadWeights,
} from '@quadranet/lib';
import { relErr } from '@quadranet/models';

import { quadFlops } from './flops.js';
import type { Machine } from './machine.js';
import { torchPeer, type PeerResult } from './peer-result.js';
import { tfQuadConv, useBackend } from './tfjs.js';
import { timeIt, timeSlow, type TimeOptions, type Timing } from './timing.js';
import { PEER_TOLERANCE } from './torch-peer.js';

export interface QuadBenchOptions {
  runs: number;
  warmup: number;
  peers: string[];
  peerBudgetMs: number;
  /** Threads of our kernels, given to the PyTorch peer too. */
  threads: number;
}

export interface QuadBenchResult {
  op: 'quadconv2d';
  n: number; h: number; w: number; c: number; k: number;
  fwd_ms: number;
  fwdbwd_ms: number;
  fwdbwd_saved_ms: number;
  fwd_gflops: number;
  fwd_peak_frac: number;
  fwdbwd_gflops: number;
  fwdbwd_peak_frac: number;
  floor_fwd_ms: number;
  floor_fwdbwd_ms: number;
  peak_gflops: number;
  runs: number;
  peers: Record<string, PeerResult>;
}

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function fill(a: Float32Array, rand: () => number, scale: number): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = rand() * scale;
  return a;
}

export { quadFlops };

export async function benchQuadConv(s: ConvShape, k: number, o: QuadBenchOptions, machine: Machine): Promise<QuadBenchResult> {
  const count = s.n * s.h * s.w * s.c, taps = k * k * s.c;
  const rand = seeded(count + k);
  const a = (len: number, scale = 0.5) => fill(allocFloat32(len), rand, scale);
  const x = a(count, 1), dy = a(count, 1);
  const w: Required<QuadWeights> = { wa: a(taps, 0.2), ba: a(s.c), wb: a(taps, 0.2), bb: a(s.c), wc: a(taps, 0.2), bc: a(s.c) };
  // Reused outputs: a fresh multi-MB buffer per call costs page faults, not kernel time.
  const y = allocFloat32(count);
  const saved = { a: allocFloat32(count), b: allocFloat32(count) };
  const grads = {
    dx: allocFloat32(count), dwa: allocFloat32(taps), dba: allocFloat32(s.c), dwb: allocFloat32(taps),
    dbb: allocFloat32(s.c), dwc: allocFloat32(taps), dbc: allocFloat32(s.c),
  };
  const ours: TimeOptions = { warmup: o.warmup, minRuns: o.runs, maxRuns: o.runs, budgetMs: 0 };
  const fwd = timeIt(() => quadconv2d(x, s, w, k, { out: y }), ours);
  const fwdbwd = timeIt(() => {
    quadconv2d(x, s, w, k, { out: y });
    quadconv2dBackward(x, s, w, k, dy, { out: grads });
  }, ours);
  const fwdbwdSaved = timeIt(() => {
    quadconv2d(x, s, w, k, { out: y, save: saved });
    quadconv2dBackward(x, s, w, k, dy, { out: grads, saved });
  }, ours);

  const peers: QuadBenchResult['peers'] = {};
  if (o.peers.includes('unfused')) peers.unfused = unfused(s, k, x, w, dy, ours);
  for (const backend of ['wasm', 'cpu'] as const) {
    if (!o.peers.includes(`tfjs-${backend}`)) continue;
    await useBackend(backend);
    const t = tfQuadConv({ x, dy, ...w }, s.n, s.h, s.w, s.c, k);
    // The same numbers first: a peer whose output differs from ours is not timed.
    const err = relErr(t.output(), y);
    if (!(err <= PEER_TOLERANCE)) {
      t.dispose();
      peers[`tfjs-${backend}`] = { fwd_ms: null, fwdbwd_ms: null, runs: 0, status: 'failed', rel_err: { y: err }, note: `FAILED numerics check: y relative L2 ${err.toExponential(2)} > ${PEER_TOLERANCE}; not timed` };
      continue;
    }
    const f = timeSlow(t.forward, o.peerBudgetMs, o.runs);
    let fb: Timing | null = null;
    let note: string | undefined;
    try {
      fb = timeSlow(t.forwardBackward, o.peerBudgetMs, o.runs);
    } catch (err) {
      note = `no backward: ${(err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 100)}`;
    }
    t.dispose();
    peers[`tfjs-${backend}`] = { fwd_ms: f.median, fwdbwd_ms: fb?.median ?? null, runs: f.runs, fwdbwd_runs: fb?.runs ?? 0, note, status: 'ok', rel_err: { y: err } };
  }
  if (o.peers.includes('pytorch')) {
    // ours' y and dx for these inputs, to check PyTorch's against
    quadconv2d(x, s, w, k, { out: y });
    quadconv2dBackward(x, s, w, k, dy, { out: grads });
    const nhwc = [s.n, s.h, s.w, s.c], filt = [k, k, s.c], bias = [s.c];
    peers.pytorch = torchPeer({
      script: 'peer_quadconv.py', threads: o.threads,
      args: ['--n', s.n, '--h', s.h, '--w', s.w, '--c', s.c, '--k', k, '--runs', o.runs, '--warmup', o.warmup],
      tensors: {
        x: { data: x, shape: nhwc }, dy: { data: dy, shape: nhwc },
        wa: { data: w.wa, shape: filt }, wb: { data: w.wb, shape: filt }, wc: { data: w.wc, shape: filt },
        ba: { data: w.ba, shape: bias }, bb: { data: w.bb, shape: bias }, bc: { data: w.bc, shape: bias },
      },
      expect: { 'y.f32': y, 'dx.f32': grads.dx },
    });
  }
  const best = Math.min(fwdbwd.median, fwdbwdSaved.median);
  for (const p of Object.values(peers)) {
    if (p.fwd_ms !== null) p.fwd_vs_ours = p.fwd_ms / fwd.median;
    if (p.fwdbwd_ms !== null) p.fwdbwd_vs_ours = p.fwdbwd_ms / best;
  }

  const flops = quadFlops(s, k);
  const gf = (fl: number, ms: number) => fl / ms / 1e6;
  return withQuadFloor({
    op: 'quadconv2d', ...s, k,
    fwd_ms: fwd.median, fwdbwd_ms: fwdbwd.median, fwdbwd_saved_ms: fwdbwdSaved.median,
    fwd_gflops: gf(flops.fwd, fwd.median), fwd_peak_frac: NaN,
    fwdbwd_gflops: gf(flops.fwdbwd, Math.min(fwdbwd.median, fwdbwdSaved.median)),
    fwdbwd_peak_frac: NaN, floor_fwd_ms: NaN, floor_fwdbwd_ms: NaN,
    peak_gflops: NaN, runs: fwd.runs, peers,
  }, machine.peakGflops);
}

/**
 * Sets the floor fields of `r` from the FMA peak `peak` (GFLOP/s): the bench calls it again with
 * the highest probe reading of the whole run before it prints.
 */
export function withQuadFloor(r: QuadBenchResult, peak: number): QuadBenchResult {
  const flops = quadFlops(r, r.k);
  r.peak_gflops = peak;
  r.floor_fwd_ms = flops.fwd / peak / 1e6;
  r.floor_fwdbwd_ms = flops.fwdbwd / peak / 1e6;
  r.fwd_peak_frac = r.fwd_gflops / peak;
  r.fwdbwd_peak_frac = r.fwdbwd_gflops / peak;
  return r;
}

/** Our own unfused path: three dwconv2d calls, then y = A . B + C elementwise in TypeScript. */
function unfused(s: ConvShape, k: number, x: Float32Array, w: Required<QuadWeights>, dy: Float32Array, t: TimeOptions) {
  const count = x.length, taps = w.wa.length;
  const A = allocFloat32(count), B = allocFloat32(count), C = allocFloat32(count), y = allocFloat32(count);
  const gA = allocFloat32(count), gB = allocFloat32(count);
  const g = [0, 1, 2].map(() => ({ dx: allocFloat32(count), dw: allocFloat32(taps), db: allocFloat32(s.c) }));
  const dx = allocFloat32(count);
  const forward = () => {
    dwconv2d(x, s, { w: w.wa, b: w.ba }, k, { out: A });
    dwconv2d(x, s, { w: w.wb, b: w.bb }, k, { out: B });
    dwconv2d(x, s, { w: w.wc, b: w.bc }, k, { out: C });
    for (let i = 0; i < count; i++) y[i] = A[i] * B[i] + C[i];
  };
  const fwd = timeIt(forward, t);
  const fwdbwd = timeIt(() => {
    forward();
    for (let i = 0; i < count; i++) {
      gA[i] = dy[i] * B[i];
      gB[i] = dy[i] * A[i];
    }
    dwconv2dBackward(x, s, { w: w.wa }, k, gA, { out: g[0] });
    dwconv2dBackward(x, s, { w: w.wb }, k, gB, { out: g[1] });
    dwconv2dBackward(x, s, { w: w.wc }, k, dy, { out: g[2] });
    for (let i = 0; i < count; i++) dx[i] = g[0].dx[i] + g[1].dx[i] + g[2].dx[i];
  }, t);
  return { fwd_ms: fwd.median, fwdbwd_ms: fwdbwd.median, runs: fwd.runs };
}
