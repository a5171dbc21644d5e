/**
 * Latency tables (LUT): one entry per op of a search space at its input shape, measured on one
 * device; the file records the fingerprint, batch, dtype and how it was measured. Written
 * atomically (temp file + rename). Reading checks the format (LutError naming the field), and
 * `checkLut` checks it fits a space (LutMismatchError listing what is missing) and warns when the
 * fingerprint differs from this machine's.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@quadranet/core';
import { z } from 'zod';
import { LutError, LutMismatchError } from '../errors.js';
import { firstIssue } from '../space/load.js';
import { allOps, opKey, type OpSpec } from '../space/layout.js';
import type { SearchSpace } from '../space/schema.js';
import { fingerprintDifferences, type Fingerprint } from './fingerprint.js';
import type { MeasureMode } from './measure.js';

export const LUT_FORMAT = 'quadranet-nas-lut/1';

const nonneg = z.number().min(0);
const posInt = z.number().int().min(1);
const opSchema = z.strictObject({
  kind: z.enum(['stem', 'downsample', 'block', 'skip', 'head']),
  batch: posInt, h: posInt, w: posInt, cin: posInt, cout: posInt,
  k: z.number().int().min(0), stride: posInt, padding: z.number().int().min(0), expansion: z.number().int().min(0),
});
const entrySchema = z.strictObject({ op: opSchema, median: nonneg, p10: nonneg, p90: nonneg, mean: nonneg, n: z.number().int().min(0) });
const fingerprintSchema = z.strictObject({
  device: z.enum(['cpu', 'cuda']), cpuModel: z.string(), cpuCount: z.number().int(), platform: z.string(), arch: z.string(),
  simd: z.string(), threads: z.number().int(), gemm: z.string(), cudaDevice: z.string().nullable(), libraryVersion: z.string(),
});
export const lutSchema = z.strictObject({
  format: z.literal(LUT_FORMAT),
  created: z.string(),
  /** The space the table was made for (its name; entries are keyed by op, so a table serves any space with the same ops). */
  space: z.string(),
  fingerprint: fingerprintSchema,
  batch: posInt,
  dtype: z.literal('float32'),
  mode: z.enum(['forward', 'train']),
  settings: z.strictObject({ warmup: z.number().int(), minRuns: z.number().int(), maxRuns: z.number().int(), spread: z.number(), maxSeconds: z.number(), minSampleMs: z.number().optional() }),
  /** Milliseconds per op, keyed by opKey. */
  entries: z.record(z.string(), entrySchema),
});

export type LatencyTable = z.infer<typeof lutSchema>;
export type LutEntry = z.infer<typeof entrySchema>;


/** Validates a parsed table (a LutError names the first bad field); also that each entry's key is its op's and p10 ≤ median ≤ p90. */
export function parseLut(json: unknown, file = 'latency table'): LatencyTable {
  const r = lutSchema.safeParse(json);
  if (!r.success) {
    const { field, message } = firstIssue(r.error);
    throw new LutError(message, file, field);
  }
  for (const [key, e] of Object.entries(r.data.entries)) {
    if (opKey(e.op as OpSpec) !== key) throw new LutError(`the key does not match its op (expected '${opKey(e.op as OpSpec)}')`, file, `entries.${key}`);
    if (!(e.p10 <= e.median && e.median <= e.p90)) throw new LutError(`needs p10 <= median <= p90, got ${e.p10}, ${e.median}, ${e.p90}`, file, `entries.${key}`);
    if (e.op.batch !== r.data.batch) throw new LutError(`batch ${e.op.batch} differs from the table's ${r.data.batch}`, file, `entries.${key}`);
  }
  return r.data;
}

export function saveLut(file: string, lut: LatencyTable): void {
  writeFileAtomic(file, JSON.stringify(lut, null, 1) + '\n');
}

export function loadLut(file: string): LatencyTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LutError(`cannot read the latency table (${(err as Error).message})`, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new LutError(`not valid JSON, the table is corrupt (${(err as Error).message})`, file);
  }
  return parseLut(json, file);
}

export interface LutCheck {
  /** Non-fatal: a fingerprint other than this machine's. */
  warnings: string[];
}

/**
 * Checks `lut` can serve `space`: same batch, measured in `mode`, and an entry for every op. When
 * `here` is given, a different fingerprint is a warning (returned, not thrown).
 */
export function checkLut(lut: LatencyTable, space: SearchSpace, file = 'latency table', opts: { here?: Fingerprint; mode?: MeasureMode } = {}): LutCheck {
  if (lut.batch !== space.batch) throw new LutMismatchError(`measured at batch ${lut.batch}, the space '${space.name}' uses batch ${space.batch}`, file);
  if (opts.mode && lut.mode !== opts.mode) throw new LutMismatchError(`measured in ${lut.mode} mode, ${opts.mode} was asked for`, file);
  const missing = allOps(space).filter((op) => op.kind !== 'skip').map(opKey).filter((k) => !(k in lut.entries));
  if (missing.length) {
    throw new LutMismatchError(`has no entry for ${missing.length} op${missing.length === 1 ? '' : 's'} of the space '${space.name}' (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}); profile it with \`quadra profile --space\``, file, missing);
  }
  const warnings: string[] = [];
  if (opts.here) {
    const d = fingerprintDifferences(lut.fingerprint as Fingerprint, opts.here);
    if (d.length) warnings.push(`${file} was measured on another machine or setting (${d.join('; ')}): its latencies may not hold here`);
  }
  return { warnings };
}

/** The table's median latency of `op` in ms; skip (identity) is 0 by definition; an op without an entry is a LutMismatchError. */
export function lutLatency(lut: LatencyTable, op: OpSpec, file = 'latency table'): number {
  if (op.kind === 'skip') return 0;
  const e = lut.entries[opKey(op)];
  if (!e) throw new LutMismatchError(`has no entry for ${opKey(op)}`, file, [opKey(op)]);
  return e.median;
}
