#!/usr/bin/env node
/**
 * The GPU benchmark driver (bench/gpu/run.sh calls it on the GPU machine; no peer libraries are
 * imported, so it runs from the travelling bundle): `node bench/dist/gpu/main.js <command>`.
 *   conformance            the cuda conformance suite (exit 1 on a failure)
 *   quadconv               fused quadconv forward / forward+backward on cuda
 *   train                  training images/s of a zoo model on cuda
 *   info                   cuda status and the kernel support matrix
 * Every command takes --json (one JSON object on the last line) and --dry-run (check the
 * arguments, print the plan, touch no device).
 */
import { writeFileSync } from 'node:fs';
import { deviceAvailability, supportMatrix } from '@quadranet/core';
import { Command, InvalidArgumentError } from 'commander';
import { runConformance } from './conformance.js';
import { benchQuadConvCuda } from './quadconv.js';
import { benchTrainCuda } from './train.js';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
  return n;
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
  return n;
};

function parseConfig(text: string) {
  const m = /^(\d+)x(\d+)x(\d+)x(\d+)k(\d+)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`expected NxHxWxCkK like 64x56x56x128k7, got "${text}"`);
  const [n, h, w, c, k] = m.slice(1).map(Number);
  if (k % 2 === 0) throw new InvalidArgumentError(`k must be odd, got ${k}`);
  return { s: { n, h, w, c }, k };
}

interface Common {
  json?: boolean;
  dryRun?: boolean;
  out?: string;
}

function emit(o: Common, result: object, text: string): void {
  if (o.out) writeFileSync(o.out, JSON.stringify(result, null, 2) + '\n');
  if (o.json) console.log(JSON.stringify(result));
  else console.log(text);
}

/** Stops with the backend's reason (no stack trace) when cuda cannot be used. */
function needCuda(): void {
  const a = deviceAvailability('cuda');
  if (!a.available) {
    console.error(a.reason);
    process.exit(2);
  }
}

const program = new Command('gpu-bench').description('QuadraNet.ts on cuda: conformance and benchmarks');
const common = (c: Command) => c.option('--json', 'one JSON object').option('--dry-run', 'check the arguments and print the plan only').option('--out <file>', 'also write the JSON result here');

common(program.command('info').description('cuda status and which kernels the CUDA module implements')).action((o: Common) => {
  if (o.dryRun) return emit(o, { command: 'info', dryRun: true }, 'would print cuda status and the support matrix');
  const a = deviceAvailability('cuda');
  const status = a.status;
  const ops = supportMatrix();
  const missing = a.available ? ops.filter((r) => !r.cuda).map((r) => r.kernel) : null;
  emit(o, { available: a.available, reason: a.reason, status, missing }, `cuda: ${a.available ? `${status?.device?.name ?? 'device'} (cc ${status?.device?.computeCapability ?? '?'})` : a.reason}\n` +
    (missing ? `kernels missing on cuda: ${missing.length ? missing.join(', ') : 'none'}` : ''));
});

common(program.command('conformance').description('every op against the reference backend on cuda')).option('--seed <n>', 'seed', int('--seed'), 1234)
  .action((o: Common & { seed: number }) => {
    if (o.dryRun) return emit(o, { command: 'conformance', seed: o.seed, dryRun: true }, `would run the cuda conformance suite with seed ${o.seed}`);
    needCuda();
    const r = runConformance(o.seed, (line) => console.error(line));
    emit(o, r, `conformance: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
    if (r.failed > 0 || !r.optimizer.pass || !r.trainStep.pass) process.exitCode = 1;
  });

common(program.command('quadconv').description('fused quadratic depthwise conv on cuda'))
  .option('--config <NxHxWxCkK>', 'shape and kernel', parseConfig, parseConfig('64x56x56x128k7'))
  .option('--warmup <n>', 'warm-up calls', int('--warmup'), 5)
  .option('--runs <n>', 'timed calls', int('--runs'), 30)
  .action((o: Common & { config: ReturnType<typeof parseConfig>; warmup: number; runs: number }) => {
    const plan = { command: 'quadconv', ...o.config.s, k: o.config.k, warmup: o.warmup, runs: o.runs };
    if (o.dryRun) return emit(o, { ...plan, dryRun: true }, `would time quadconv ${JSON.stringify(plan)}`);
    needCuda();
    const r = benchQuadConvCuda(o.config.s, o.config.k, o.warmup, o.runs);
    emit(o, r, `quadconv N=${r.n} H=${r.h} W=${r.w} C=${r.c} k=${r.k}: forward ${r.fwd_ms.toFixed(3)} ms (${r.fwd_tflops.toFixed(2)} TFLOP/s), ` +
      `forward+backward ${r.fwdbwd_ms.toFixed(3)} ms, with saved A/B ${r.fwdbwd_saved_ms.toFixed(3)} ms (${r.fwdbwd_tflops.toFixed(2)} TFLOP/s)`);
  });

common(program.command('train').description('training images/s of a zoo model on cuda'))
  .option('--model <name>', 'zoo name', 'quadranet36_t')
  .option('--batch <n>', 'batch size', int('--batch'), 64)
  .option('--size <px>', 'image side', int('--size'), 224)
  .option('--warmup <n>', 'untimed steps', int('--warmup'), 2)
  .option('--steps <n>', 'timed steps (at most)', int('--steps'), 10)
  .option('--budget-s <s>', 'stop timing after this many seconds (at least one step)', num('--budget-s'), 60)
  .action((o: Common & { model: string; batch: number; size: number; warmup: number; steps: number; budgetS: number }) => {
    const plan = { command: 'train', model: o.model, batch: o.batch, size: o.size, warmup: o.warmup, steps: o.steps, budgetS: o.budgetS };
    if (!/^[a-z]+(36|25)_(xxs|xs|t|s|b)$/.test(o.model)) throw new InvalidArgumentError(`--model must be a zoo name like quadranet36_t, got "${o.model}"`);
    if (o.dryRun) return emit(o, { ...plan, dryRun: true }, `would time training ${JSON.stringify(plan)}`);
    needCuda();
    const r = benchTrainCuda(o);
    emit(o, r, `${r.model} training, batch ${r.batch} at ${r.size}x${r.size}: ${r.step_ms.toFixed(1)} ms/step, ${r.images_per_s.toFixed(1)} images/s over ${r.steps} steps (loss ${r.final_loss.toFixed(3)})`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
