/**
 * `node bench/dist/main.js train-speed`: training throughput of the Fashion-MNIST network of issue 18
 * (what `quadra train --model quadranet25_xxs --depths 2,2,6,2 --width 24 --stem patch2` builds:
 * 28×28×1 inputs, batch 128, 10 classes), ours against the same model in PyTorch
 * (bench/python/peer_train.py on bench/gpu/torch_quadranet.py), each stepping the way `quadra train`
 * does: label-smoothed cross-entropy, backward, gradient clipping, AdamW without decay on 1-D
 * parameters, drop path. One synthetic batch is reused (no data loading is timed).
 *
 * Measured per engine over the timed steps after warm-up: images/s, CPU utilisation as process CPU
 * time (user + system, all threads) over wall time — 2.0 means two cores busy the whole time — and
 * the process's peak RSS (VmHWM after a reset, rss.ts). Before PyTorch is timed its eval-mode logits
 * for our weights (seeded layer scales, biases and norms) must be within 1e-4 relative L2 of ours.
 */
import { noGrad, optim, scope, tensor } from '@quadranet/core';
import { buildModel, checkConfig, lossAndGradients, TRAIN_DEFAULTS, type StemName, type TrainConfig } from '@quadranet/models';

import type { PeerResultBase } from './peer-result.js';
import { peakRssBytes, resetPeakRss, type RssScope } from './rss.js';
import { runTorchPeer, torchFairness, withTorchStateDict } from './torch-peer.js';
import { exerciseWeights, uniform } from './weights.js';

export interface TrainSpeedOptions {
  model: string;
  depths: number[];
  width: number;
  stem: StemName;
  size: number;
  batch: number;
  classes: number;
  steps: number;
  warmup: number;
  peers: string[];
  threads: number;
}

export interface EngineSpeed {
  images_per_s: number;
  step_ms: number;
  /** Process CPU time / wall time over the timed steps (2.0 = two cores busy). */
  cpu_utilisation: number;
  peak_rss_bytes: number | null;
  peak_rss_scope: RssScope;
}

export interface TrainPeer extends PeerResultBase, Partial<EngineSpeed> {
  /** Our images/s over the peer's: how many times faster ours trains. */
  ours_vs_peer?: number;
}

export interface TrainSpeedResult {
  op: 'train-speed';
  model: string;
  depths: number[];
  dims: number[];
  stem: { kernel: number; stride: number; padding: number };
  size: number;
  batch: number;
  classes: number;
  params: number;
  steps: number;
  warmup: number;
  threads: number;
  ours: EngineSpeed;
  peers: Record<string, TrainPeer>;
}

/** a filled with seeded values in [-1, 1) (weights.ts's LCG). */
function fillUniform(a: Float32Array, seed: number): Float32Array {
  const r = uniform(seed);
  for (let i = 0; i < a.length; i++) a[i] = r();
  return a;
}

export function benchTrainSpeed(o: TrainSpeedOptions): TrainSpeedResult {
  const config: TrainConfig = checkConfig({ ...TRAIN_DEFAULTS, model: o.model, dataset: 'synthetic', depths: o.depths, width: o.width, stem: o.stem, batchSize: o.batch });
  const model = buildModel(config, 1, o.classes);
  exerciseWeights(model, 5);
  const { dims, stem, kernelSizes } = model.options;
  const shape = [o.size, o.size, 1];

  // Our eval logits on a small check batch, before any step changes the weights.
  const checkN = Math.min(4, o.batch);
  const xCheck = fillUniform(new Float32Array(checkN * o.size * o.size), 11);
  model.eval();
  const ourLogits = noGrad(() => scope(() => Float32Array.from(model.forward(tensor(xCheck, [checkN, ...shape])).data())));
  // The peer starts from these weights: copied now, before our steps change them.
  const peerWeights = o.peers.includes('pytorch')
    ? withTorchStateDict(model, (sd) => new Map([...sd].map(([k, t]) => [k, { data: Float32Array.from(t.data), shape: [...t.shape] }])))
    : null;

  // Ours: one synthetic batch, stepped as quadra train steps.
  model.train();
  const opt = new optim.AdamW(model.parameters(), { lr: config.lr, weightDecay: config.weightDecay, noDecay1d: true });
  const x = fillUniform(new Float32Array(o.batch * o.size * o.size), 12);
  const labels = Int32Array.from({ length: o.batch }, (_, i) => (i * 7 + 3) % o.classes);
  const batch = { x, labels, size: o.batch };
  const step = () => {
    lossAndGradients(model, config, batch, shape, null, 'cpu');
    opt.step();
    opt.zeroGrad();
  };
  for (let i = 0; i < o.warmup; i++) step();
  const reset = resetPeakRss();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < o.steps; i++) step();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const ours: EngineSpeed = {
    images_per_s: (o.batch * o.steps) / (wallMs / 1000), step_ms: wallMs / o.steps,
    cpu_utilisation: (cpu.user + cpu.system) / 1000 / wallMs, peak_rss_bytes: peakRssBytes(), peak_rss_scope: reset ? 'steps' : 'process',
  };
  const params = model.numParameters();
  model.dispose();

  const peers: Record<string, TrainPeer> = {};
  if (peerWeights) {
    const r = runTorchPeer({
      script: 'peer_train.py', threads: o.threads, stateDict: peerWeights,
      args: [
        '--depths', o.depths.join(','), '--dims', dims.join(','), '--stem', `${stem.kernel},${stem.stride},${stem.padding}`, '--kernel', kernelSizes[0],
        '--in-chans', 1, '--classes', o.classes, '--size', o.size, '--batch', o.batch, '--steps', o.steps, '--warmup', o.warmup,
        '--lr', config.lr, '--weight-decay', config.weightDecay, '--label-smoothing', config.labelSmoothing, '--clip-grad', config.clipGrad, '--drop-path', config.dropPath,
      ],
      tensors: { x: { data: xCheck, shape: [checkN, ...shape] } },
      expect: { 'logits.f32': ourLogits },
    });
    if (r.status === 'absent') peers.pytorch = { status: 'absent', note: `PyTorch absent: ${r.message}` };
    else if (r.status === 'failed') peers.pytorch = { status: 'failed', rel_err: r.errors, note: r.message };
    else {
      const p = r.report;
      const ips = p.images_per_s as number;
      peers.pytorch = {
        status: 'ok', rel_err: r.errors, fair: p.blas?.fair ?? false, blas: p.blas ? `${p.blas.kind}: ${p.blas.libraries.join(', ')}` : undefined,
        version: p.torch, threads: p.threads as number, note: torchFairness(p),
        images_per_s: ips, step_ms: p.step_ms as number, cpu_utilisation: p.cpu_utilisation as number,
        peak_rss_bytes: p.peak_rss_bytes as number, peak_rss_scope: p.peak_rss_scope as RssScope, ours_vs_peer: ours.images_per_s / ips,
      };
    }
  }
  return {
    op: 'train-speed', model: o.model, depths: o.depths, dims, stem: { ...stem }, size: o.size, batch: o.batch, classes: o.classes, params,
    steps: o.steps, warmup: o.warmup, threads: o.threads, ours, peers,
  };
}

const mb = (b: number | null | undefined) => (b == null ? 'n/a' : `${(b / 2 ** 20).toFixed(0)} MB`);

export function printTrainSpeed(r: TrainSpeedResult, cpu: string): void {
  console.log(`\ntrain-speed  ${r.model} depths [${r.depths}] dims [${r.dims}], stem ${r.stem.kernel}x${r.stem.kernel}/${r.stem.stride}, ` +
    `${r.size}x${r.size}x1, batch ${r.batch}, ${r.classes} classes, ${(r.params / 1e6).toFixed(2)} M parameters; ${r.threads} threads, ${cpu}`);
  console.log(`  ${r.steps} timed steps after ${r.warmup} warm-up; CPU utilisation = process CPU time (all threads) / wall time, 2.0 = two cores busy; RSS = VmHWM over the timed steps`);
  console.log(`  ${'engine'.padEnd(30)} images/s    ms/step   CPU busy   peak RSS   ours vs it`);
  const row = (name: string, e: Partial<EngineSpeed>, ratio: string) => console.log(`  ${name.padEnd(30)} ${(e.images_per_s?.toFixed(1) ?? 'n/a').padStart(8)}   ${(e.step_ms?.toFixed(1) ?? 'n/a').padStart(8)}   ${(e.cpu_utilisation?.toFixed(2) ?? 'n/a').padStart(8)}   ${mb(e.peak_rss_bytes).padStart(8)}   ${ratio}`);
  row('QuadraNet.ts (ours)', r.ours, '');
  for (const [name, p] of Object.entries(r.peers)) {
    row(name === 'pytorch' ? 'PyTorch (channels_last)' : name, p, p.ours_vs_peer === undefined ? '     n/a' : `${p.ours_vs_peer.toFixed(2)}x`.padStart(8));
    if (p.note) console.log(`  ${''.padEnd(30)} (${p.note})`);
    if (p.status === 'ok' && p.rel_err) console.log(`  ${''.padEnd(30)} (eval logits for our weights checked against ours: relative L2 ${Object.values(p.rel_err).map((e) => e.toExponential(1)).join(', ')})`);
    if (p.peak_rss_bytes && r.ours.peak_rss_bytes) console.log(`  ${''.padEnd(30)} peak RSS ours / ${name}: ${(r.ours.peak_rss_bytes / p.peak_rss_bytes).toFixed(2)}`);
  }
}
