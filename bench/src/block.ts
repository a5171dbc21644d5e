/**
 * `pnpm bench quadrablock`: one QuadraBlock and one ConvNeXt block (N, H, W, C, k) on
 * @quadranet/core — inference forward and training forward+backward — against TensorFlow.js
 * (wasm: forward only, it has no depthwise-conv gradients; cpu: both), with peak memory from
 * memory() and the arithmetic floor at the measured FMA peak.
 */
import { memory, noGrad, randn, resetPeak, emptyCache, type Tensor } from '@quadranet/core';
import { BLOCKS, moduleMacs, type BlockKind } from '@quadranet/models';

import type { Machine } from './machine.js';
import { tfBlock } from './tfjs-block.js';
import { useBackend } from './tfjs.js';
import { timeIt, timeSlow, type Timing } from './timing.js';

export interface BlockBenchOptions {
  runs: number;
  warmup: number;
  peers: string[];
  peerBudgetMs: number;
}

export interface PeerResult {
  fwd_ms: number | null;
  fwdbwd_ms: number | null;
  runs: number;
  note?: string;
}

export interface BlockBenchResult {
  op: string;
  n: number; h: number; w: number; c: number; k: number;
  fwd_ms: number;
  fwdbwd_ms: number;
  /** Peak bytes above the inputs and parameters during forward+backward (memory().cpu.peak). */
  peak_bytes: number;
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
  // Layer scale 0.5 instead of 1e-6 so the branches matter numerically; the work is the same.
  for (const [name, p] of block.namedParameters()) if (name.startsWith('gamma')) p.data().fill(0.5);
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
  emptyCache();
  const base = memory().cpu.live;
  resetPeak('cpu');
  trainOnce();
  const peak = memory().cpu.peak - base;
  // FLOPs = 2 × the counted MACs (1×1 layers and depthwise convs; attention products not counted).
  const flops = 2 * n * moduleMacs(block, h, w);
  const floorFwd = flops / (machine.peakGflops * 1e6);
  const peers: Record<string, PeerResult> = {};
  for (const peer of kind === 'quadra' || kind === 'conv' ? o.peers : []) {
    const backend = peer === 'tfjs-wasm' ? 'wasm' : peer === 'tfjs-cpu' ? 'cpu' : null;
    if (!backend) throw new Error(`--peers: unknown peer "${peer}" (tfjs-wasm, tfjs-cpu)`);
    await useBackend(backend);
    const t = tfBlock(kind as 'quadra' | 'conv', n, h, w, c, k);
    const f = timeSlow(t.forward, o.peerBudgetMs, 10);
    const r: PeerResult = { fwd_ms: f.median, fwdbwd_ms: null, runs: f.runs };
    if (backend === 'cpu') r.fwdbwd_ms = timeSlow(t.forwardBackward, o.peerBudgetMs, 5).median;
    else r.note = 'tfjs wasm has no depthwise-conv gradient kernels';
    t.dispose();
    peers[peer] = r;
  }
  block.dispose();
  x.dispose();
  dy.dispose();
  return {
    op: BLOCK_NAMES[kind], n, h, w, c, k,
    fwd_ms: fwd.median, fwdbwd_ms: fb.median, peak_bytes: peak,
    floor_fwd_ms: floorFwd, floor_fwdbwd_ms: 3 * floorFwd, runs: fwd.runs, peers,
  };
}
