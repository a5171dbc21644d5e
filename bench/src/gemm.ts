/**
 * `bench gemm`: the linear layers of QuadraNet-36-T's MLPs (batch 1 and 8 at 224×224, plus the
 * Fashion-MNIST net's) three ways, alternating in one run: oneDNN's dnnl_sgemm threading the whole
 * product itself (setGemmSplit(false)), our split of the product into one block per thread
 * (Linear, the default), and the packed inference layer (packLinear once, then linearPacked: the
 * matmul primitive on blocked weights, bias in its epilogue). GFLOP/s against the measured peak.
 */
import { linear, linearPacked, packLinear, setGemmSplit } from '@quadranet/lib';

import { summarize } from './timing.js';

/** rows x in x out: stage by stage, the two MLP layers at each block's resolution. */
export const GEMM_SHAPES: [number, number, number][] = [
  [3136, 64, 256], [3136, 256, 64], [784, 128, 512], [784, 512, 128], [196, 256, 1024], [196, 1024, 256],
  [49, 512, 2048], [49, 2048, 512], [1568, 256, 1024], [1568, 1024, 256], [392, 512, 2048], [392, 2048, 512],
  [25088, 64, 256], [25088, 256, 64],
];

export interface GemmBenchResult {
  rows: number;
  in: number;
  out: number;
  /** Median ms of each way. */
  provider_ms: number;
  split_ms: number;
  packed_ms: number;
  runs: number;
}

export function benchGemm(shapes: [number, number, number][], rounds: number): GemmBenchResult[] {
  return shapes.map(([rows, inF, outF]) => {
    const dims = { rows, inFeatures: inF, outFeatures: outF };
    const x = Float32Array.from({ length: rows * inF }, (_, i) => Math.sin(i));
    const w = Float32Array.from({ length: outF * inF }, (_, i) => Math.cos(i) / inF);
    const b = new Float32Array(outF).fill(0.1);
    const y = new Float32Array(rows * outF);
    const packed = packLinear(w, dims);
    const reps = Math.max(1, Math.round(2e8 / (rows * inF * outF)));
    const time = (fn: () => void) => {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn();
      return (performance.now() - t0) / reps;
    };
    // provider and split are the same call: setGemmSplit below decides who threads it.
    const viaLinear = () => linear(x, w, b, dims, { out: y });
    const ways = { provider: viaLinear, split: viaLinear, packed: () => linearPacked(x, packed, b, dims, { out: y }) };
    const t: Record<keyof typeof ways, number[]> = { provider: [], split: [], packed: [] };
    try {
      for (let r = 0; r < rounds + 1; r++) {
        for (const way of Object.keys(ways) as (keyof typeof ways)[]) {
          setGemmSplit(way !== 'provider');
          const ms = time(ways[way]);
          if (r > 0) t[way].push(ms); // round 0 warms up every way
        }
      }
    } finally {
      setGemmSplit(true);
    }
    return {
      rows, in: inF, out: outF, provider_ms: summarize(t.provider).median, split_ms: summarize(t.split).median, packed_ms: summarize(t.packed).median, runs: rounds,
    };
  });
}
