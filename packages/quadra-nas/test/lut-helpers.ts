/** A hand-made latency table for a space (numbers from a formula, not a measurement), so tests need no timing. */
import {
  allOps, currentFingerprint, LUT_FORMAT, MEASURE_DEFAULTS, opFlops, opKey, type LatencyTable, type LutEntry, type OpSpec, type SearchSpace,
} from '../src/index.js';

/** ms = 0.01 + FLOPs / 1 GFLOP/s, with a ±10 % p10/p90. */
export const fakeMs = (op: OpSpec) => 0.01 + opFlops(op) / 1e6;

export function fakeEntry(op: OpSpec): LutEntry {
  const m = fakeMs(op);
  return { op, median: m, p10: 0.9 * m, p90: 1.1 * m, mean: m, n: 10 };
}

export function fakeLut(space: SearchSpace, extra: OpSpec[] = []): LatencyTable {
  const entries: Record<string, LutEntry> = {};
  for (const op of [...allOps(space).filter((o) => o.kind !== 'skip'), ...extra]) entries[opKey(op)] = fakeEntry(op);
  return {
    format: LUT_FORMAT, created: new Date(0).toISOString(), space: space.name, fingerprint: currentFingerprint('cpu'), batch: space.batch, dtype: 'float32',
    mode: 'forward', settings: { ...MEASURE_DEFAULTS }, entries,
  };
}
