/**
 * After the search: the derived network (argmax α per layer; skip removes the layer) as the JSON
 * `@quadranet/models` builds and `quadra train --arch` trains, its measured latency beside the
 * table's prediction, and, when it is over the budget, the nearest cheaper choice (greedy
 * downgrade), written as a second architecture and said in the report, never silently.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, type Device } from '@quadranet/core';
import type { ArchitectureSpec } from '@quadranet/models';
import { measureArchitecture } from '../latency/evaluate.js';
import type { Fingerprint } from '../latency/fingerprint.js';
import type { LatencyTable } from '../latency/lut.js';
import type { MeasureOptions } from '../latency/measure.js';
import type { LatencyStats } from '../latency/stats.js';
import { architectureSpec, spaceLayout, type Choices } from '../space/layout.js';
import type { SearchSpace } from '../space/schema.js';
import { greedyDowngrade } from './derive.js';
import type { SearchConfig, SearchOutcome } from './search.js';

export const REPORT_FORMAT = 'quadranet-nas-search/1';

export interface DerivedNetwork {
  choices: Choices;
  /** Table sum, ms. */
  predictedMs: number;
  /** End-to-end, when measured. */
  measured: LatencyStats | null;
  file: string;
}

export interface SearchReport {
  format: string;
  space: SearchSpace;
  lut: { file: string | null; fingerprint: Fingerprint; batch: number; mode: string };
  budgetMs: number;
  config: SearchConfig;
  derived: DerivedNetwork;
  /** Measured (or, unmeasured, predicted) latency above the budget. */
  overBudget: boolean;
  /** The nearest cheaper choice when over budget (`fits` false: even every layer's cheapest misses it). */
  downgrade: (DerivedNetwork & { fits: boolean; moves: { layer: number; from: string; to: string; latencyMs: number }[] }) | null;
  expectedMs: number;
  accuracy: { alphaSplit: number; test: number };
  complete: boolean;
  history: SearchOutcome['history'];
  alphaHistory: number[][][];
  warnings: string[];
}

export interface DeriveOptions {
  device?: Device;
  /** How to measure the derived networks end to end; false: do not measure. */
  measure?: MeasureOptions | false;
  lutFile?: string;
  warnings?: string[];
}

export interface Derived {
  report: SearchReport;
  architecture: ArchitectureSpec;
  downgradeArchitecture: ArchitectureSpec | null;
}

export function deriveNetwork(space: SearchSpace, lut: LatencyTable, config: SearchConfig, out: SearchOutcome, o: DeriveOptions = {}): Derived {
  const measure = (choices: Choices) => (o.measure === false ? null : measureArchitecture(space, choices, { device: o.device, mode: lut.mode, measure: o.measure }));
  const budget = config.targetMs;
  const measured = measure(out.choices);
  const latency = measured ? measured.median : out.predictedMs;
  const overBudget = latency > budget;
  let downgrade: SearchReport['downgrade'] = null;
  let downgradeArchitecture: ArchitectureSpec | null = null;
  if (overBudget) {
    // the table may be off the end-to-end latency: aim the table sum at the budget scaled by their ratio
    const tableBudget = budget * (out.predictedMs / latency);
    const d = greedyDowngrade(spaceLayout(space), out.choices, out.probs, out.latencies.layers, out.latencies.fixed, tableBudget);
    downgrade = { choices: d.choices, predictedMs: d.latencyMs, measured: measure(d.choices), file: 'arch-within-budget.json', fits: d.fits, moves: d.moves };
    downgradeArchitecture = architectureSpec(space, d.choices);
  }
  const report: SearchReport = {
    format: REPORT_FORMAT, space, lut: { file: o.lutFile ?? null, fingerprint: lut.fingerprint as Fingerprint, batch: lut.batch, mode: lut.mode }, budgetMs: budget, config,
    derived: { choices: out.choices, predictedMs: out.predictedMs, measured, file: 'arch.json' }, overBudget, downgrade, expectedMs: out.expectedMs,
    accuracy: { alphaSplit: out.valAcc, test: out.testAcc }, complete: out.complete, history: out.history, alphaHistory: out.alphaHistory, warnings: o.warnings ?? [],
  };
  return { report, architecture: architectureSpec(space, out.choices), downgradeArchitecture };
}

/** DIR/arch.json, DIR/report.json and, over budget, DIR/arch-within-budget.json (each written atomically). */
export function writeSearchOutputs(dir: string, d: Derived): { arch: string; report: string; downgrade: string | null } {
  mkdirSync(dir, { recursive: true });
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  const arch = join(dir, 'arch.json');
  writeFileAtomic(arch, json(d.architecture));
  let downgrade: string | null = null;
  if (d.downgradeArchitecture && d.report.downgrade) {
    downgrade = join(dir, d.report.downgrade.file);
    writeFileAtomic(downgrade, json(d.downgradeArchitecture));
  }
  const report = join(dir, 'report.json');
  writeFileAtomic(report, json(d.report));
  return { arch, report, downgrade };
}
