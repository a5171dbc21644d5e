/**
 * `bench infer`: a zoo model's inference (eval + noGrad, NHWC) on our native CPU path against
 * onnxruntime-node running our ONNX export of the same model and weights (NCHW, same threads) and
 * TensorFlow.js 4.22 running the same weights (bench/src/tfjs-model.ts; wasm and cpu backends,
 * one thread each in Node). Every peer's logits are first checked against ours on the bench input
 * (relative L2 ≤ 1e-4): a peer that disagrees is reported as failed, not timed.
 */
import { memory, noGrad, profileKernels, resetPeak, scope, tensor, type KernelTime, type Tensor } from '@quadranet/core';
import { createModel, encodeOnnx, quadraNetToOnnx, relErr, type QuadraNet } from '@quadranet/models';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-node';

import type { Machine } from './machine.js';
import { tfjsQuadraNet } from './tfjs-model.js';
import { readResult, useBackend, type TfBackend } from './tfjs.js';
import { timeIt, timeItAsync, type TimeOptions, type Timing } from './timing.js';
import { exerciseWeights } from './weights.js';

/** Largest relative L2 distance of a peer's logits from ours that still counts as the same model. */
export const LOGITS_TOLERANCE = 1e-4;

export interface InferBenchOptions {
  size: number;
  batches: number[];
  /** Timed runs for ours, onnxruntime and tfjs-wasm. */
  runs: number;
  warmup: number;
  peers: string[];
  threads: number;
  /** tfjs-cpu (plain JS, minutes per call at 224×224): at most this many timed runs... */
  tfjsCpuRuns: number;
  /** ...stopping once this many ms are spent (always at least one). */
  peerBudgetMs: number;
}

/** One engine's timing for one batch. */
export interface EngineStats {
  ms: number;
  ips: number;
  p10_ms: number;
  p90_ms: number;
  min_ms: number;
  max_ms: number;
  runs: number;
  threads: number;
  /** Process RSS right after this engine's runs (process-wide: it includes the engines before). */
  rss_mb: number;
}

export interface PeerStats extends EngineStats {
  /** Peer ms / ours ms: above 1, ours is faster. */
  ratio: number;
  /** Relative L2 distance of the peer's logits from ours on the bench input. */
  rel_l2: number;
  /** tfjs: bytes held by tfjs tensors after the runs (weights + input; tf.memory()). */
  tf_mb?: number;
  note?: string;
}

export interface PeerFailed {
  ips: null;
  error: string;
  rel_l2?: number;
}

export interface PeerAbsent {
  ips: null;
  absent: string;
}

export type PeerResult = PeerStats | PeerFailed | PeerAbsent;

export interface InferBenchResult {
  model: string;
  batch: number;
  size: number;
  gmacs_per_image: number;
  ours: EngineStats & {
    /** memory(): cpu bytes live after the runs and the peak during them (parameters and input included). */
    memory_live_mb: number;
    memory_peak_mb: number;
    /** One more forward under profileKernels: where ours spends its time, kernel by kernel. */
    profile: { total_ms: number; outside_kernels_ms: number; kernels: KernelTime[] };
  };
  peers: Record<string, PeerResult>;
}

export const isPeerStats = (p: PeerResult): p is PeerStats => p.ips !== null;

const MB = 2 ** 20;
const rssMb = () => process.memoryUsage.rss() / MB;

function stats(t: Timing, batch: number, threads: number): EngineStats {
  return {
    ms: t.median, ips: (1000 * batch) / t.median, p10_ms: t.p10, p90_ms: t.p90, min_ms: t.min, max_ms: t.max, runs: t.runs, threads, rss_mb: rssMb(),
  };
}

/** The bench input, NCHW (onnxruntime's layout), deterministic. */
function inputNchw(batch: number, size: number): Float32Array {
  const x = new Float32Array(batch * 3 * size * size);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37);
  return x;
}

/** The same values NHWC (ours and tfjs), transposed once outside the timing. */
function toNhwc(nchw: Float32Array, batch: number, size: number): Float32Array {
  const nhwc = new Float32Array(nchw.length);
  const hw = size * size;
  for (let n = 0; n < batch; n++) for (let c = 0; c < 3; c++) for (let p = 0; p < hw; p++) nhwc[(n * hw + p) * 3 + c] = nchw[(n * 3 + c) * hw + p];
  return nhwc;
}

interface BatchInput {
  batch: number;
  nchw: Float32Array;
  nhwc: Float32Array;
}

/** The check every peer passes before it is timed. */
function checked(logits: Float32Array, ours: Float32Array): { rel: number; error?: string } {
  if (logits.length !== ours.length) return { rel: NaN, error: `logits have ${logits.length} values, ours ${ours.length}` };
  const rel = relErr(logits, ours);
  if (!(rel <= LOGITS_TOLERANCE)) return { rel, error: `logits differ from ours: relative L2 ${rel.toExponential(2)} > ${LOGITS_TOLERANCE}` };
  return { rel };
}

function peerStats(t: Timing, batch: number, threads: number, oursMs: number, rel: number): PeerStats {
  const s = stats(t, batch, threads);
  return { ...s, ratio: s.ms / oursMs, rel_l2: rel };
}

async function runOnnx(model: QuadraNet, inputs: BatchInput[], ours: Map<number, { ms: number; logits: Float32Array }>, o: InferBenchOptions, size: number): Promise<Map<number, PeerResult>> {
  const out = new Map<number, PeerResult>();
  const bytes = encodeOnnx(quadraNetToOnnx(model, { height: size, width: size, batch: 'dynamic', opset: 17 }));
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: o.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  try {
    for (const { batch, nchw } of inputs) {
      const feeds = { input: new ort.Tensor('float32', nchw, [batch, 3, size, size]) };
      const first = await session.run(feeds);
      const ref = ours.get(batch)!;
      const c = checked(first.logits.data as Float32Array, ref.logits);
      if (c.error) {
        out.set(batch, { ips: null, error: c.error, rel_l2: c.rel });
        continue;
      }
      const t = await timeItAsync(() => session.run(feeds), { warmup: Math.max(0, o.warmup - 1), minRuns: o.runs, maxRuns: o.runs, budgetMs: 0 });
      out.set(batch, peerStats(t, batch, o.threads, ref.ms, c.rel));
    }
  } finally {
    await session.release();
  }
  return out;
}

async function runTfjs(backend: TfBackend, model: QuadraNet, inputs: BatchInput[], ours: Map<number, { ms: number; logits: Float32Array }>, o: InferBenchOptions, size: number): Promise<Map<number, PeerResult>> {
  const out = new Map<number, PeerResult>();
  await useBackend(backend);
  // tfjs-backend-wasm runs one thread in Node (its multithread detection returns false there).
  const threads = backend === 'wasm' ? getThreadsCount() : 1;
  const net = tfjsQuadraNet(model);
  try {
    for (const { batch, nhwc } of inputs) {
      const x = tf.tensor4d(nhwc, [batch, size, size, 3]);
      try {
        const ref = ours.get(batch)!;
        // The check call doubles as the first warm-up.
        const c = checked(readResult(() => net.predict(x)), ref.logits);
        if (c.error) {
          out.set(batch, { ips: null, error: c.error, rel_l2: c.rel });
          continue;
        }
        const timing: TimeOptions = backend === 'cpu'
          ? { warmup: 0, minRuns: 1, maxRuns: o.tfjsCpuRuns, budgetMs: o.peerBudgetMs }
          : { warmup: Math.max(0, o.warmup - 1), minRuns: o.runs, maxRuns: o.runs, budgetMs: 0 };
        const t = timeIt(() => tf.tidy(() => { net.predict(x).dataSync(); }), timing);
        const s: PeerStats = { ...peerStats(t, batch, threads, ref.ms, c.rel), tf_mb: tf.memory().numBytes / MB };
        if (backend === 'wasm') s.note = 'wasm SIMD; tfjs-backend-wasm has no threads in Node';
        else s.note = 'plain-JS kernels, 1 thread';
        out.set(batch, s);
      } finally {
        x.dispose();
      }
    }
  } finally {
    net.dispose();
  }
  return out;
}

export async function benchInfer(name: string, o: InferBenchOptions): Promise<InferBenchResult[]> {
  const model = createModel(name, { numClasses: 1000 }) as QuadraNet;
  exerciseWeights(model);
  model.eval();
  const macs = model.summary(o.size).macs;
  const inputs: BatchInput[] = o.batches.map((batch) => {
    const nchw = inputNchw(batch, o.size);
    return { batch, nchw, nhwc: toNhwc(nchw, batch, o.size) };
  });
  const ours = new Map<number, { ms: number; logits: Float32Array }>();
  const oursStats = new Map<number, InferBenchResult['ours']>();
  try {
    for (const { batch, nhwc } of inputs) {
      const x: Tensor = tensor(nhwc, [batch, o.size, o.size, 3]);
      const logits = noGrad(() => scope(() => Float32Array.from(model.forward(x).data())));
      resetPeak('cpu');
      const t = timeIt(() => noGrad(() => scope(() => { model.forward(x).data(); })), { warmup: o.warmup, minRuns: o.runs, maxRuns: o.runs, budgetMs: 0 });
      const mem = memory().cpu;
      const p = profileKernels(() => noGrad(() => scope(() => { model.forward(x).data(); })));
      const profile = { total_ms: p.totalMs, outside_kernels_ms: p.totalMs - p.kernelMs, kernels: p.kernels };
      x.dispose();
      ours.set(batch, { ms: t.median, logits });
      oursStats.set(batch, { ...stats(t, batch, o.threads), memory_live_mb: mem.live / MB, memory_peak_mb: mem.peak / MB, profile });
    }
    const peers = new Map<string, Map<number, PeerResult>>();
    for (const peer of o.peers) {
      if (peer === 'onnxruntime') peers.set(peer, await runOnnx(model, inputs, ours, o, o.size));
      else if (peer === 'tfjs-wasm') peers.set(peer, await runTfjs('wasm', model, inputs, ours, o, o.size));
      else if (peer === 'tfjs-cpu') peers.set(peer, await runTfjs('cpu', model, inputs, ours, o, o.size));
    }
    return inputs.map(({ batch }) => ({
      model: name,
      batch,
      size: o.size,
      gmacs_per_image: macs / 1e9,
      ours: oursStats.get(batch)!,
      peers: Object.fromEntries(['onnxruntime', 'tfjs-wasm', 'tfjs-cpu'].map((p) => [p, peers.get(p)?.get(batch) ?? { ips: null, absent: 'not asked for (--peers)' }])),
    }));
  } finally {
    model.dispose();
  }
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/**
 * The `--json` line for one model and batch: {"model", "batch", "ours_ips", "peers": {name: {"ips",
 * ...}}} first (a peer that failed or was not asked for has "ips": null and says why), then the
 * details (ours' ms, spread, memory; threads; the machine).
 */
export function inferJsonLine(r: InferBenchResult, machine: Machine): string {
  const peers = Object.fromEntries(Object.entries(r.peers).map(([name, p]) => {
    if (!isPeerStats(p)) return [name, p];
    return [name, {
      ips: round(p.ips, 3), ms: round(p.ms, 3), p10: round(p.p10_ms, 3), p90: round(p.p90_ms, 3), min: round(p.min_ms, 3), max: round(p.max_ms, 3),
      ratio: round(p.ratio, 3), rel_l2: Number(p.rel_l2.toExponential(3)), runs: p.runs, threads: p.threads, rss_mb: round(p.rss_mb, 1),
      ...(p.tf_mb === undefined ? {} : { tf_mb: round(p.tf_mb, 2) }), ...(p.note ? { note: p.note } : {}),
    }];
  }));
  const u = r.ours;
  return JSON.stringify({
    model: r.model,
    batch: r.batch,
    ours_ips: round(u.ips, 3),
    peers,
    size: r.size,
    gmacs_per_image: round(r.gmacs_per_image, 4),
    ms: round(u.ms, 3),
    p10: round(u.p10_ms, 3),
    p90: round(u.p90_ms, 3),
    min: round(u.min_ms, 3),
    max: round(u.max_ms, 3),
    runs: u.runs,
    threads: u.threads,
    rss_mb: round(u.rss_mb, 1),
    memory_live_mb: round(u.memory_live_mb, 2),
    memory_peak_mb: round(u.memory_peak_mb, 2),
    profile: {
      total_ms: round(u.profile.total_ms, 2), outside_kernels_ms: round(u.profile.outside_kernels_ms, 2),
      kernels: u.profile.kernels.map((k) => ({ kernel: k.kernel, calls: k.calls, ms: round(k.ms, 3) })),
    },
    machine: { cpu: machine.cpu, cores: machine.cores, simd: machine.simd, threads: machine.threads, peak_gflops: round(machine.peakGflops, 1) },
  });
}

/**
 * Where ours spends one forward, kernel by kernel (printed under every model and batch where a
 * peer is faster, and under all of them with `profile`).
 */
function printProfile(r: InferBenchResult): void {
  const p = r.ours.profile;
  const top = p.kernels.slice(0, 6).map((k) => `${k.kernel} ${k.ms.toFixed(1)} ms (${k.calls}x)`);
  console.log(`  ${''.padEnd(23)}profile of one forward, ${p.total_ms.toFixed(1)} ms: ${top.join(', ')}; outside kernels ${p.outside_kernels_ms.toFixed(1)} ms`);
}

export function printInfer(rs: InferBenchResult[], machine: Machine, opts: { profile?: boolean } = {}): void {
  console.log('  model            batch  engine        threads  runs   median ms   p10–p90 ms        img/s  vs ours  RSS MB  logits rel L2');
  for (const r of rs) {
    const u = r.ours;
    const gflops = (2 * r.gmacs_per_image * r.batch) / (u.ms / 1000);
    const row = (engine: string, s: EngineStats, extra: string) => console.log(
      `  ${r.model.padEnd(16)} ${String(r.batch).padStart(5)}  ${engine.padEnd(12)} ${String(s.threads).padStart(8)} ${String(s.runs).padStart(5)}  ` +
      `${s.ms.toFixed(1).padStart(10)}   ${`${s.p10_ms.toFixed(1)}–${s.p90_ms.toFixed(1)}`.padEnd(15)} ${s.ips.toFixed(1).padStart(8)}  ${extra}`,
    );
    row('ours', u, `         ${u.rss_mb.toFixed(0).padStart(6)}  (memory(): ${u.memory_peak_mb.toFixed(1)} MB peak, ${u.memory_live_mb.toFixed(1)} MB live; ` +
      `${gflops.toFixed(0)} GFLOP/s = ${((100 * gflops) / machine.peakGflops).toFixed(0)} % of peak)`);
    for (const [name, p] of Object.entries(r.peers)) {
      if (isPeerStats(p)) row(name, p, `${`${p.ratio.toFixed(2)}x`.padStart(7)}  ${p.rss_mb.toFixed(0).padStart(6)}  ${p.rel_l2.toExponential(1)}${p.note ? `  (${p.note})` : ''}`);
      else if ('error' in p) console.log(`  ${r.model.padEnd(16)} ${String(r.batch).padStart(5)}  ${name.padEnd(12)} FAILED: ${p.error}`);
      else console.log(`  ${r.model.padEnd(16)} ${String(r.batch).padStart(5)}  ${name.padEnd(12)} absent: ${p.absent}`);
    }
    if (opts.profile || Object.values(r.peers).some((p) => isPeerStats(p) && p.ratio < 1)) printProfile(r);
  }
}
