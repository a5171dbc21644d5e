/**
 * The cuda conformance suite without a test framework: every case of @quadranet/core/testing at
 * every size against the reference backend, the optimizer check, and one QuadraNet training step
 * on cuda against the same step on cpu. Prints one line per failure and a summary.
 */
import { deviceAvailability } from '@quadranet/core';
import { checkAll, checkOptimizers, CONFORMANCE_CASES, CONFORMANCE_SIZES, CUDA_SKIPS, mixedErr, trainStepOn, type CaseResult } from '@quadranet/core/testing';
import { deviceCheckCase } from '@quadranet/models';

export interface ConformanceSummary {
  available: boolean;
  reason: string;
  seed: number;
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  failures: CaseResult[];
  skips: { name: string; reason: string }[];
  optimizer: { err: number; pass: boolean; error?: string };
  trainStep: { lossCpu: number; lossCuda: number; paramErr: number; pass: boolean; error?: string };
}

/** A tiny QuadraNet (all block kinds of the zoo build the same way) trained one step on each device. */
export function checkTrainStep(): ConformanceSummary['trainStep'] {
  const { make, batch, opts } = deviceCheckCase();
  try {
    const cpu = trainStepOn('cpu', make, batch, opts);
    const cuda = trainStepOn('cuda', make, batch, opts);
    let worst = 0;
    for (const [name, p] of cpu.params) worst = Math.max(worst, mixedErr(cuda.params.get(name)!, p));
    const pass = Math.abs(cpu.loss - cuda.loss) < 1e-4 * Math.max(1, Math.abs(cpu.loss)) && worst < 1e-4;
    return { lossCpu: cpu.loss, lossCuda: cuda.loss, paramErr: worst, pass };
  } catch (err) {
    return { lossCpu: NaN, lossCuda: NaN, paramErr: NaN, pass: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export function runConformance(seed: number, log: (line: string) => void): ConformanceSummary {
  const a = deviceAvailability('cuda');
  const empty = { err: NaN, pass: false };
  if (!a.available) {
    return {
      available: false, reason: a.reason, seed, total: 0, passed: 0, failed: 0, skipped: 0, failures: [], skips: [],
      optimizer: empty, trainStep: { lossCpu: NaN, lossCuda: NaN, paramErr: NaN, pass: false },
    };
  }
  const failures: CaseResult[] = [];
  const skips = Object.entries(CUDA_SKIPS).map(([name, reason]) => ({ name, reason }));
  let total = 0;
  let passed = 0;
  let skipped = 0;
  const sizes = CONFORMANCE_SIZES;
  const skipNames = new Set(Object.keys(CUDA_SKIPS));
  for (const r of checkAll('cuda', seed, sizes)) {
    total++;
    if (skipNames.has(r.name)) {
      skipped++;
      continue;
    }
    if (r.pass) passed++;
    else {
      failures.push(r);
      log(`FAIL ${r.name}, C=${r.size} (seed ${r.seed}): ${r.error ?? `forward err ${r.outErr.toExponential(2)}, grad errs [${r.gradErrs.map((e) => e.toExponential(2)).join(', ')}], tol ${r.tol}`}`);
    }
  }
  const optimizer = checkOptimizers('cuda');
  if (!optimizer.pass) log(`FAIL ${optimizer.name}: ${optimizer.error ?? `err ${optimizer.err}`}`);
  const trainStep = checkTrainStep();
  if (!trainStep.pass) log(`FAIL training step cuda vs cpu: ${trainStep.error ?? `loss ${trainStep.lossCuda} vs ${trainStep.lossCpu}, parameter err ${trainStep.paramErr}`}`);
  log(`cuda conformance: ${passed}/${total - skipped} case-sizes pass (${CONFORMANCE_CASES.length} cases x ${sizes.length} sizes, ${skipped} skipped by the skip list), ` +
    `optimizers ${optimizer.pass ? 'ok' : 'FAIL'}, training step ${trainStep.pass ? 'ok' : 'FAIL'}`);
  return { available: true, reason: '', seed, total, passed, failed: failures.length, skipped, failures, skips, optimizer, trainStep };
}
