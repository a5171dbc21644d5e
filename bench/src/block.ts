/**
 * `pnpm bench quadrablock`: one QuadraBlock and one ConvNeXt block (N, H, W, C, k) on
 * @quadranet/core — inference forward and training forward+backward — against TensorFlow.js
 * (wasm: forward only, it has no depthwise-conv gradients; cpu: both) and PyTorch (the reference
 * block, channels_last, bench/python/peer_block.py), all on our block's seeded weights and checked
 * against our output first; with peak memory from memory() and as process RSS (ours and PyTorch's)
 * and the arithmetic floor at the measured FMA peak.
 */
import { memory, noGrad, profileKernels, randn, resetPeak, emptyCache, type KernelTime, type Tensor } from '@quadranet/core';
import { BLOCKS, moduleMacs, relErr, toPyTorchStateDict, type BlockKind } from '@quadranet/models';

import type { Machine } from './machine.js';
import { torchPeer, type PeerResult } from './peer-result.js';
import { peakRssOf, type RssScope } from './rss.js';
import { tfBlock, type OurParam } from './tfjs-block.js';
import { useBackend } from './tfjs.js';
import { timeIt, timeSlow, type Timing } from './timing.js';
import { f32, PEER_TOLERANCE, withTorchStateDict } from './torch-peer.js';
import { exerciseWeights } from './weights.js';

export interface BlockBenchOptions {
  runs: number;
  warmup: number;
  peers: string[];
  peerBudgetMs: number;
  /** Threads of our kernels, given to the PyTorch peer too. */
  threads: number;
  /** Also profile `runs` steady-state training steps kernel by kernel (result.profile). */
  profile?: boolean;
}

export type { PeerResult };

export interface BlockBenchResult {
  op: string;
  n: number; h: number; w: number; c: number; k: number;
  fwd_ms: number;
  fwdbwd_ms: number;
  /** Peak bytes above the inputs and parameters during forward+backward (memory().cpu.peak). */
  peak_bytes: number;
  /** Process peak RSS over one training step (VmHWM after a reset; see rss.ts). */
  peak_rss_bytes: number | null;
  peak_rss_scope: RssScope;
  /** With --profile: where `steps` training steps after the timed ones spent their time. */
  profile?: { steps: number; totalMs: number; kernels: KernelTime[] };
  /** Forward FLOPs (2 × counted MACs); a training step counts 3×. */
  fwd_flops: number;
  floor_fwd_ms: number;
  floor_fwdbwd_ms: number;
  runs: number;
  peers: Record<string, PeerResult>;
}

export const BLOCK_NAMES: Record<BlockKind, string> = {
  quadra: 'quadrablock', conv: 'convblock', hor: 'horblock', swin: 'swinblock', skip: 'skipblock',
};

export async function benchBlock(kind: BlockKind, n: number, h: number, w: number, c: number, k: number, o: BlockBenchOptions, machine: Machine): Promise<BlockBenchResult> {
  // Stage 2 settings (HorNet order 4; Swin shifted windows) at the given width.
  const block = BLOCKS[kind](c, { stage: 2, index: 1, kernelSize: k, expansion: 4 });
  // Layer scales 0.5 instead of 1e-6 and seeded biases and norms so the branches matter
  // numerically (a wrong peer would otherwise pass the check); the work is the same.
  exerciseWeights(block, 3);
  const x = randn([n, h, w, c]);
  const dy = randn([n, h, w, c]);
  const fwdOnce = () => noGrad(() => block.forward(x).dispose());
  const trainable = block.parameters().length > 0; // the skip block has nothing to train
  const trainOnce = () => {
    const y: Tensor = block.forward(x);
    if (trainable) y.backward(dy);
    y.dispose();
    block.zeroGrad();
  };
  const opts = { warmup: o.warmup, minRuns: o.runs, maxRuns: o.runs, budgetMs: 0 };
  block.eval();
  const fwd: Timing = timeIt(fwdOnce, opts);
  block.train();
  const fb = timeIt(trainOnce, opts);
  // steady state (after the timed steps): no first-touch page faults in the figures
  const profile = o.profile ? profileKernels(() => {
    for (let i = 0; i < o.runs; i++) trainOnce();
  }) : null;
  emptyCache();
  const base = memory().cpu.live;
  resetPeak('cpu');
  trainOnce();
  const peak = memory().cpu.peak - base;
  const rss = peakRssOf(trainOnce);
  // Our inference output on these weights: every peer's is checked against it before timing.
  block.eval();
  const ours = noGrad(() => {
    const y = block.forward(x);
    const d = Float32Array.from(y.data());
    y.dispose();
    return d;
  });
  // FLOPs = 2 × the counted MACs (1×1 layers and depthwise convs; attention products not counted).
  const flops = 2 * n * moduleMacs(block, h, w);
  const floorFwd = flops / (machine.peakGflops * 1e6);
  const peers: Record<string, PeerResult> = {};
  const params = new Map<string, OurParam>([...block.namedParameters()].map(([name, p]) => [name, { data: f32(p.data()), shape: p.shape }]));
  for (const peer of kind === 'quadra' || kind === 'conv' ? o.peers : []) {
    if (peer === 'pytorch') {
      peers.pytorch = withTorchStateDict(block, (sd) => torchPeer({
        script: 'peer_block.py', threads: o.threads, args: ['--kind', kind, '--c', c, '--k', k, '--runs', o.runs, '--warmup', o.warmup],
        tensors: { x: { data: f32(x.data()), shape: x.shape }, dy: { data: f32(dy.data()), shape: dy.shape } }, stateDict: sd, expect: { 'y.f32': ours },
      }));
      continue;
    }
    const backend = peer === 'tfjs-wasm' ? 'wasm' : peer === 'tfjs-cpu' ? 'cpu' : null;
    if (!backend) throw new Error(`--peers: unknown peer "${peer}" (tfjs-wasm, tfjs-cpu, pytorch)`);
    await useBackend(backend);
    const t = tfBlock(kind as 'quadra' | 'conv', n, h, w, c, params, f32(x.data()), f32(dy.data()));
    const err = relErr(t.output(), ours);
    if (!(err <= PEER_TOLERANCE)) {
      t.dispose();
      peers[peer] = { fwd_ms: null, fwdbwd_ms: null, runs: 0, status: 'failed', rel_err: { y: err }, note: `FAILED numerics check: y relative L2 ${err.toExponential(2)} > ${PEER_TOLERANCE}; not timed` };
      continue;
    }
    const f = timeSlow(t.forward, o.peerBudgetMs, 10);
    const r: PeerResult = { fwd_ms: f.median, fwdbwd_ms: null, runs: f.runs, status: 'ok', rel_err: { y: err } };
    if (backend === 'cpu') r.fwdbwd_ms = timeSlow(t.forwardBackward, o.peerBudgetMs, 5).median;
    else r.note = 'tfjs wasm has no depthwise-conv gradient kernels';
    t.dispose();
    peers[peer] = r;
  }
  for (const p of Object.values(peers)) {
    if (p.fwd_ms !== null) p.fwd_vs_ours = p.fwd_ms / fwd.median;
    if (p.fwdbwd_ms !== null) p.fwdbwd_vs_ours = p.fwdbwd_ms / fb.median;
  }
  block.dispose();
  x.dispose();
  dy.dispose();
  return {
    op: BLOCK_NAMES[kind], n, h, w, c, k,
    fwd_ms: fwd.median, fwdbwd_ms: fb.median, peak_bytes: peak, ...rss,
    ...(profile ? { profile: { steps: o.runs, totalMs: profile.totalMs, kernels: profile.kernels } } : {}),
    fwd_flops: flops, floor_fwd_ms: floorFwd, floor_fwdbwd_ms: 3 * floorFwd, runs: fwd.runs, peers,
  };
}

/** Sets the floor fields of `r` from the FMA peak `peak` (GFLOP/s; the run's highest probe reading). */
export function withBlockFloor(r: BlockBenchResult, peak: number): BlockBenchResult {
  r.floor_fwd_ms = r.fwd_flops / (peak * 1e6);
  r.floor_fwdbwd_ms = 3 * r.floor_fwd_ms;
  return r;
}
