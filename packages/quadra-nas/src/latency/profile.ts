/**
 * The profiler: every op of a space (stem, downsamples, head, each candidate at each layer's input
 * shape) measured through our own kernels on one device, into a latency table.
 */
import { requireDevice, type Device } from '@quadranet/core';
import { allOps, opKey, type OpSpec } from '../space/layout.js';
import type { SearchSpace } from '../space/schema.js';
import { currentFingerprint } from './fingerprint.js';
import { LUT_FORMAT, type LatencyTable, type LutEntry } from './lut.js';
import { measureModule, measureSettings, type MeasureMode, type MeasureOptions } from './measure.js';
import { opModule } from './op-modules.js';

export interface ProfileOptions {
  device?: Device;
  mode?: MeasureMode;
  measure?: MeasureOptions;
  /** Called after each op with its index (from 1), the total and the entry. */
  onEntry?: (done: number, total: number, key: string, entry: LutEntry) => void;
}

/** Measures one op (skip, an identity, is 0 ms with n = 0: no kernel runs). */
export function profileOp(op: OpSpec, device: Device = 'cpu', mode: MeasureMode = 'forward', measure: MeasureOptions = {}): LutEntry {
  if (op.kind === 'skip') return { op, median: 0, p10: 0, p90: 0, mean: 0, n: 0 };
  const m = opModule(op).to(device);
  try {
    const st = measureModule(m, [op.batch, op.h, op.w, op.cin], device, mode, measure);
    return { op, ...st };
  } finally {
    m.dispose();
  }
}

/** Measures `ops` into a table for `space` (its name and batch go into the table). */
export function profileOps(ops: OpSpec[], spaceName: string, batch: number, o: ProfileOptions = {}): LatencyTable {
  const device = o.device ?? 'cpu';
  requireDevice(device);
  const mode = o.mode ?? 'forward';
  const settings = measureSettings(o.measure);
  const entries: Record<string, LutEntry> = {};
  ops.forEach((op, i) => {
    const e = profileOp(op, device, mode, settings);
    entries[opKey(op)] = e;
    o.onEntry?.(i + 1, ops.length, opKey(op), e);
  });
  return {
    format: LUT_FORMAT, created: new Date().toISOString(), space: spaceName, fingerprint: currentFingerprint(device), batch, dtype: 'float32', mode, settings, entries,
  };
}

/** The latency table of a space: every op it can hold, measured on `o.device`. */
export function profileSpace(space: SearchSpace, o: ProfileOptions = {}): LatencyTable {
  return profileOps(allOps(space).filter((op) => op.kind !== 'skip'), space.name, space.batch, o);
}

/** Entries of `b` within `tolerance` (relative) of `a`'s, over the keys both hold: how stable two profiles are. */
export function compareLuts(a: LatencyTable, b: LatencyTable, tolerance = 0.05): { compared: number; within: number; share: number; worst: { key: string; ratio: number } | null } {
  let compared = 0;
  let within = 0;
  let worst: { key: string; ratio: number } | null = null;
  for (const [key, e] of Object.entries(a.entries)) {
    const f = b.entries[key];
    if (!f || e.median === 0) continue;
    compared++;
    const ratio = f.median / e.median;
    if (Math.abs(ratio - 1) <= tolerance) within++;
    if (!worst || Math.abs(ratio - 1) > Math.abs(worst.ratio - 1)) worst = { key, ratio };
  }
  return { compared, within, share: compared ? within / compared : NaN, worst };
}
