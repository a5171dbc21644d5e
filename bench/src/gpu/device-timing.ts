/**
 * Timing on the GPU from JavaScript: the kernels queue asynchronously on the device's stream, so a
 * measurement is `runs` back-to-back calls between two synchronisations (after a warm-up), wall
 * time divided by runs — the launch overhead is included, as it is in a real training step.
 */
import { synchronize } from '@quadranet/core';

export interface DeviceTiming {
  ms: number;
  runs: number;
}

export function timeDevice(fn: () => void, warmup: number, runs: number): DeviceTiming {
  for (let i = 0; i < warmup; i++) fn();
  synchronize('cuda');
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) fn();
  synchronize('cuda');
  return { ms: (performance.now() - t0) / runs, runs };
}
