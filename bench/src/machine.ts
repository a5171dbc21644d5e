import { cpus } from 'node:os';

import { fmaPeakGflops, info } from '@quadranet/lib';

export interface Machine {
  cpu: string;
  cores: number;
  simd: string;
  threads: number;
  /**
   * fp32 FMA peak, GFLOP/s: the highest reading of the native probe so far (the floor for every
   * kernel). A VM's slow phase makes one reading low; the bench probes before, between and after
   * its timed cases (probe()) and computes every floor from the highest.
   */
  readonly peakGflops: number;
  /** Every probe reading of this run, in order. */
  readonly peakReadings: readonly number[];
  /** Takes one more reading; returns it. */
  probe(): number;
}

export function describeMachine(): Machine {
  const i = info();
  const readings: number[] = [];
  const m: Machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    simd: i.simd,
    threads: i.threads,
    get peakGflops() {
      return readings.length ? Math.max(...readings) : NaN;
    },
    peakReadings: readings,
    probe() {
      const g = i.backend === 'native' ? fmaPeakGflops(0.5) : NaN;
      if (Number.isFinite(g)) readings.push(g);
      return g;
    },
  };
  m.probe();
  return m;
}

/** "peak 451 GFLOP/s (highest of 3 probes: 440, 451, 447)". */
export function peakText(m: Machine): string {
  const r = m.peakReadings;
  return `measured fp32 FMA peak ${m.peakGflops.toFixed(0)} GFLOP/s` +
    (r.length > 1 ? ` (highest of ${r.length} probes through the run: ${r.map((g) => g.toFixed(0)).join(', ')})` : '');
}
