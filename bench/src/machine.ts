import { cpus } from 'node:os';

import { fmaPeakGflops, info } from '@quadranet/lib';

export interface Machine {
  cpu: string;
  cores: number;
  simd: string;
  threads: number;
  /** fp32 FMA peak measured now by the native probe, GFLOP/s (the floor for every kernel). */
  peakGflops: number;
}

export function describeMachine(): Machine {
  const i = info();
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    simd: i.simd,
    threads: i.threads,
    peakGflops: i.backend === 'native' ? fmaPeakGflops(0.5) : NaN,
  };
}
