/**
 * `bench infer`: a zoo model's inference (eval + noGrad, NHWC) on our native CPU path against
 * onnxruntime-node running our ONNX export of the same model and weights (NCHW), same threads,
 * batch by batch; the GFLOP/s each reaches from the model's MACs, against the measured FMA peak.
 */
import { noGrad, scope, tensor, type Tensor } from '@quadranet/core';
import { createModel, encodeOnnx, quadraNetToOnnx, type QuadraNet } from '@quadranet/models';
import * as ort from 'onnxruntime-node';
import type { Machine } from './machine.js';
import { timeIt } from './timing.js';

export interface InferBenchOptions {
  size: number;
  batches: number[];
  runs: number;
  warmup: number;
  peers: string[];
  threads: number;
}

export interface InferBenchResult {
  model: string;
  batch: number;
  size: number;
  gmacs_per_image: number;
  ours_ms: number;
  ours_ips: number;
  peers: Record<string, { ms: number; ips: number; ratio: number } | { absent: string }>;
}

async function timeAsync(fn: () => Promise<unknown>, runs: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

function input(batch: number, size: number): Float32Array {
  const x = new Float32Array(batch * 3 * size * size);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37);
  return x;
}

export async function benchInfer(name: string, o: InferBenchOptions): Promise<InferBenchResult[]> {
  const model = createModel(name, { numClasses: 1000 }) as QuadraNet;
  model.eval();
  const macs = model.summary(o.size).macs;
  const bytes = encodeOnnx(quadraNetToOnnx(model, { height: o.size, width: o.size, batch: 'dynamic', opset: 17 }));
  const session = o.peers.includes('onnxruntime')
    ? await ort.InferenceSession.create(bytes, { intraOpNumThreads: o.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' })
    : null;
  const out: InferBenchResult[] = [];
  try {
    for (const batch of o.batches) {
      const nchw = input(batch, o.size);
      // Ours takes NHWC: the same values, transposed once outside the timing.
      const nhwc = new Float32Array(nchw.length);
      const hw = o.size * o.size;
      for (let n = 0; n < batch; n++) for (let c = 0; c < 3; c++) for (let p = 0; p < hw; p++) nhwc[(n * hw + p) * 3 + c] = nchw[(n * 3 + c) * hw + p];
      const x: Tensor = tensor(nhwc, [batch, o.size, o.size, 3]);
      const ours = timeIt(() => noGrad(() => scope(() => { model.forward(x).data(); })), { warmup: o.warmup, minRuns: o.runs, maxRuns: o.runs, budgetMs: 0 }).median;
      x.dispose();
      const peers: InferBenchResult['peers'] = {};
      if (session) {
        const feeds = { input: new ort.Tensor('float32', nchw, [batch, 3, o.size, o.size]) };
        const ms = await timeAsync(() => session.run(feeds), o.runs, o.warmup);
        peers.onnxruntime = { ms, ips: (1000 * batch) / ms, ratio: ms / ours };
      } else {
        peers.onnxruntime = { absent: 'not asked for (--peers)' };
      }
      out.push({
        model: name, batch, size: o.size, gmacs_per_image: macs / 1e9, ours_ms: ours, ours_ips: (1000 * batch) / ours, peers,
      });
    }
  } finally {
    await session?.release();
    model.dispose();
  }
  return out;
}

export function printInfer(rs: InferBenchResult[], machine: Machine): void {
  console.log('  model            batch   ours ms  ours img/s  GFLOP/s (% of peak)   onnxruntime ms  img/s   ours vs onnxruntime');
  for (const r of rs) {
    const gflops = (2 * r.gmacs_per_image * r.batch) / (r.ours_ms / 1000);
    const ort = r.peers.onnxruntime;
    const peer = 'ms' in ort ? `${ort.ms.toFixed(1).padStart(14)}  ${ort.ips.toFixed(1).padStart(6)}   ${ort.ratio.toFixed(2)}x` : `  ${ort.absent}`;
    console.log(`  ${r.model.padEnd(16)} ${String(r.batch).padStart(5)}  ${r.ours_ms.toFixed(1).padStart(8)}  ${r.ours_ips.toFixed(1).padStart(10)}  ` +
      `${gflops.toFixed(0).padStart(7)} (${((100 * gflops) / machine.peakGflops).toFixed(0).padStart(2)} %)       ${peer}`);
  }
}
