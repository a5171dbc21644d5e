/**
 * `pnpm bench crash`: kills `quadra train` with SIGKILL at random points and checks that every run
 * resumes from its last complete checkpoint as if it had never stopped (issue 15, crash safety).
 *
 * A reference run records the loss of every step (the --json step events). Each trial starts the
 * same run and SIGKILLs it: at a random time (seeded): a random fraction of the reference's mean step
 * time after a random step's event (so it may land in a step, an evaluation or any file write), or, in every `writeEvery`-th trial, while a
 * checkpoint is being written: the test-only hook QUADRA_TEST_WRITE_PAUSE_MS holds each checkpoint
 * write half-done (header written, tensor data not) and the trial kills the process when the n-th
 * checkpoint's temporary file appears. Then it checks the directory (no checkpoint or a valid one;
 * temporary files are never the checkpoint), resumes with --resume and compares every step's loss
 * from there on with the reference; the resumed run must also have removed the temporary files.
 *
 * The training process is started the way `quadra train` starts its child (QUADRA_TRAIN_CHILD=1
 * with an IPC channel), so the signal reaches the process that writes the files.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { atomicTempTarget, Generator } from '@quadranet/core';
import { inspectRunDir, tempFiles } from './crash-dir.js';

const CLI = fileURLToPath(new URL('../../packages/quadra-cli/dist/cli.js', import.meta.url));

export interface CrashOptions {
  trials: number;
  seed: number;
  /** Every this many trials, one is killed during a checkpoint write (1: all). */
  writeEvery: number;
  epochs: number;
  checkpointEvery: number;
  /** How long the hook holds each checkpoint write in the write-timed trials (ms). */
  pauseMs: number;
  /** Largest allowed |loss - reference loss| after resume (0: bit-exact). */
  tolerance: number;
}

export const CRASH_DEFAULTS: CrashOptions = { trials: 20, seed: 1, writeEvery: 3, epochs: 3, checkpointEvery: 3, pauseMs: 1500, tolerance: 0 };

export interface Trial {
  i: number;
  kind: 'random-time' | 'during-write';
  /** What the kill found: the process had finished already, or a temporary file was there (a write in progress). */
  finishedBeforeKill: boolean;
  tempsAfterKill: number;
  checkpointStep: number;
  resumedSteps: number;
  maxDiff: number;
  failure: string | null;
}

export interface CrashSummary {
  trials: Trial[];
  totalSteps: number;
  killsDuringWrite: number;
  resumedOk: number;
  maxDiff: number;
  failures: string[];
}

interface Run {
  losses: Map<number, number>;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  warnings: string[];
  /** Seconds from the start event (the data and model are ready) to the exit. */
  trainSeconds: number;
}

function trainArgs(o: CrashOptions, out: string): string[] {
  return [
    CLI, 'train', '--model', 'quadranet25_xxs', '--dataset', 'synthetic', '--limit', '64', '--batch-size', '8', '--depths', '1', '--width', '8',
    '--workers', '0', '--seed', '0', '--epochs', String(o.epochs), '--checkpoint-every', String(o.checkpointEvery), '--json', '--out', out,
  ];
}

/**
 * Runs the training; `onSpawn` and `onStep` (each step event) may arrange a SIGKILL. Resolves when
 * it has exited.
 */
function runTraining(
  args: string[], env: Record<string, string>, onSpawn?: (child: ReturnType<typeof spawn>) => void, onStep?: (child: ReturnType<typeof spawn>, step: number) => void,
): Promise<Run> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, QUADRA_NUM_THREADS: '1', QUADRA_TRAIN_CHILD: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const run: Run = { losses: new Map(), code: null, signal: null, stderr: '', warnings: [], trainSeconds: 0 };
  let started = 0;
  child.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const e = JSON.parse(line) as { event: string; step?: number; loss?: number; message?: string };
    if (e.event === 'start') started = performance.now();
    if (e.event === 'step') {
      run.losses.set(e.step!, e.loss!);
      onStep?.(child, e.step!);
    }
    if (e.event === 'warning') run.warnings.push(e.message!);
  });
  onSpawn?.(child);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ ...run, code, signal, trainSeconds: started ? (performance.now() - started) / 1000 : 0 })));
}

/** Kills `child` when the `n`-th checkpoint temporary file appears in `dir` (polled every millisecond). */
function killOnNthWrite(child: ReturnType<typeof spawn>, dir: string, n: number): void {
  const seen = new Set<string>();
  const timer = setInterval(() => {
    for (const name of tempFiles(dir)) if (atomicTempTarget(name) === 'checkpoint.safetensors') seen.add(name);
    if (seen.size >= n) {
      clearInterval(timer);
      child.kill('SIGKILL');
    }
  }, 1);
  child.on('exit', () => clearInterval(timer));
}

export async function runCrashTest(o: CrashOptions, log: (line: string) => void = () => {}): Promise<CrashSummary> {
  const root = mkdtempSync(join(tmpdir(), 'quadra-crash-'));
  try {
    const ref = await runTraining(trainArgs(o, join(root, 'reference')), {});
    if (ref.code !== 0) throw new Error(`the reference run failed (exit ${ref.code}): ${ref.stderr.trim()}`);
    const totalSteps = ref.losses.size;
    const writes = Math.floor(totalSteps / o.checkpointEvery) + o.epochs; // at least this many checkpoint writes (mid-epoch and epoch ends overlap)
    const rng = new Generator(o.seed);
    const trials: Trial[] = [];
    for (let i = 0; i < o.trials; i++) {
      const dir = join(root, `trial-${i}`);
      const duringWrite = i % o.writeEvery === 0;
      const args = trainArgs(o, dir);
      let killed: Run;
      if (duringWrite) {
        const n = 1 + rng.int(Math.max(1, writes - o.epochs));
        killed = await runTraining(args, { QUADRA_TEST_WRITE_PAUSE_MS: String(o.pauseMs) }, (child) => killOnNthWrite(child, dir, n));
      } else {
        const step = 1 + rng.int(totalSteps);
        const delay = rng.uniform() * (ref.trainSeconds / totalSteps) * 1000;
        killed = await runTraining(args, {}, undefined, (child, s) => {
          if (s === step) setTimeout(() => child.kill('SIGKILL'), delay);
        });
      }
      trials.push(await checkTrial(i, duringWrite ? 'during-write' : 'random-time', killed, dir, args, ref, o));
      const t = trials[trials.length - 1];
      log(`trial ${i + 1}/${o.trials} (${t.kind}): ${t.finishedBeforeKill ? 'finished before the kill' : `killed with ${t.tempsAfterKill} temporary file(s) left`}, checkpoint at step ${t.checkpointStep}, `
        + `resumed ${t.resumedSteps} steps, max loss diff ${t.maxDiff}${t.failure ? `: FAILED ${t.failure}` : ''}`);
    }
    const failures = trials.filter((t) => t.failure).map((t) => `trial ${t.i + 1}: ${t.failure}`);
    return {
      trials, totalSteps, failures,
      killsDuringWrite: trials.filter((t) => t.tempsAfterKill > 0).length,
      resumedOk: trials.filter((t) => !t.failure).length,
      maxDiff: Math.max(0, ...trials.map((t) => t.maxDiff)),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function checkTrial(i: number, kind: Trial['kind'], killed: Run, dir: string, args: string[], ref: Run, o: CrashOptions): Promise<Trial> {
  const trial: Trial = { i, kind, finishedBeforeKill: killed.signal !== 'SIGKILL', tempsAfterKill: 0, checkpointStep: 0, resumedSteps: 0, maxDiff: 0, failure: null };
  const fail = (why: string) => ({ ...trial, failure: why });
  if (trial.finishedBeforeKill && killed.code !== 0) return fail(`the run exited ${killed.code} before the kill: ${killed.stderr.trim()}`);
  const before = inspectRunDir(dir);
  trial.tempsAfterKill = before.temps.length;
  trial.checkpointStep = before.step;
  if (before.invalid) return fail(`the checkpoint left by the kill is not valid: ${before.invalid}`);
  const seen = Math.max(0, ...killed.losses.keys());
  if (before.step > seen) return fail(`the checkpoint holds step ${before.step}, the run had reported only ${seen}`);
  const resumed = await runTraining([...args, '--resume', ...(before.step > 0 ? [] : ['auto'])], {});
  if (resumed.code !== 0) return fail(`the resumed run exited ${resumed.code}: ${resumed.stderr.trim()}`);
  const steps = [...resumed.losses.keys()];
  trial.resumedSteps = steps.length;
  if (steps[0] !== undefined && steps[0] !== before.step + 1) return fail(`the resumed run started at step ${steps[0]}, the checkpoint holds step ${before.step}`);
  if (before.step + steps.length !== ref.losses.size) return fail(`the resumed run took ${steps.length} steps after step ${before.step}, the reference ${ref.losses.size} in all`);
  for (const [s, loss] of resumed.losses) trial.maxDiff = Math.max(trial.maxDiff, Math.abs(loss - ref.losses.get(s)!));
  if (!(trial.maxDiff <= o.tolerance)) return fail(`the resumed losses differ from the reference by up to ${trial.maxDiff} (tolerance ${o.tolerance})`);
  const after = inspectRunDir(dir);
  if (after.temps.length > 0) return fail(`temporary files left after the resumed run: ${after.temps.join(', ')}`);
  if (after.csvRows !== o.epochs) return fail(`metrics.csv has ${after.csvRows} rows after the resumed run, expected ${o.epochs}`);
  if (before.temps.length > 0 && !resumed.warnings.some((w) => w.startsWith('removed '))) return fail('the resumed run did not report removing the temporary files');
  return trial;
}

export function printCrash(s: CrashSummary, o: CrashOptions): void {
  const timed = s.trials.filter((t) => t.kind === 'during-write').length;
  const early = s.trials.filter((t) => t.finishedBeforeKill).length;
  const none = s.trials.filter((t) => t.checkpointStep === 0 && !t.finishedBeforeKill).length;
  console.log(`crash test: ${s.trials.length} trials of a ${s.totalSteps}-step run (checkpoint every ${o.checkpointEvery} steps and each epoch), seed ${o.seed}`);
  console.log(`  kills timed to a checkpoint write: ${timed}; kills that landed mid-write (a temporary file left): ${s.killsDuringWrite}`);
  console.log(`  kills before the first checkpoint: ${none}; runs that finished before the kill: ${early}`);
  console.log(`  resumed OK: ${s.resumedOk}/${s.trials.length}; max |loss - reference| after resume: ${s.maxDiff}`);
  for (const f of s.failures) console.log(`  FAILED ${f}`);
}
