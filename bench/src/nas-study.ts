/**
 * `bench nas-study`: issue 12's comparison on this machine. With one latency table of the space
 * (from `quadra profile`): ProxylessNAS searches at three latency budgets (the table's 25th, 50th
 * and 75th percentiles of the space by default), hand-designed networks (every layer the same block,
 * as the zoo builds them) and random architectures of the space; every network measured end to end
 * and trained with the same `quadra train --arch` command and schedule; a table and a plot of test
 * accuracy against measured latency. Every step is a `quadra` command, so each arm can be re-run alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  architectureSpec, checkLut, DEFAULT_SPACES, loadLut, measureArchitecture, readSpace, sampleArchitectures, spaceLatencyQuantiles, spaceLayout,
  type Choices, type SearchSpace,
} from '@quadranet/nas';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import type { Machine } from './machine.js';

export interface NasStudyOptions {
  /** A default space's name (fashion-mnist) or a space file, as `quadra search --space` takes. */
  space: string;
  lut: string;
  out: string;
  /** Training images used by every arm (search and training alike); 0 = all 60000. */
  limit: number;
  searchEpochs: number;
  searchWarmup: number;
  /** Adam's lr for α: ProxylessNAS's 1e-3 moves α by about lr per step, too little in a search of a few hundred α steps. */
  alphaLr: number;
  /** The search's latency loss (`quadra search --loss`) and its λ for the add-* forms. */
  loss: string;
  lossLambda?: number;
  /** `quadra search --derive`: argmax | grouped. */
  derive: string;
  trainEpochs: number;
  random: number;
  budgets?: number[];
  seed: number;
  /** Rounds of end-to-end latency measurement: every network once per round, interleaved, after all training. */
  latencyRounds: number;
}

export interface Arm {
  arm: 'searched' | 'hand-designed' | 'random';
  name: string;
  budget_ms?: number;
  choices: Choices;
  /** End-to-end latency at the space's batch, median ms. */
  latency_ms: number;
  test_acc: number;
  params: number;
}

const CLI = join(import.meta.dirname, '..', '..', 'packages', 'quadra-cli', 'dist', 'cli.js');

function quadra(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`quadra ${args.join(' ')} exited with ${r.status}`);
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** Trains an architecture file with the study's schedule (skipped when its metrics exist: a re-run resumes the study). */
function train(arch: string, dir: string, o: NasStudyOptions): { test_acc: number; params: number } {
  const metrics = join(dir, 'metrics.json');
  if (!existsSync(metrics)) {
    quadra(['train', '--arch', arch, '--dataset', 'fashion-mnist', '--limit', String(o.limit), '--epochs', String(o.trainEpochs), '--seed', String(o.seed), '--workers', '0', '--json', '--out', dir]);
  }
  const m = readJson<{ final: { test_acc: number }; params: number }>(metrics);
  return { test_acc: m.final.test_acc, params: m.params };
}

function writeArch(space: SearchSpace, choices: Choices, file: string): string {
  writeFileSync(file, JSON.stringify(architectureSpec(space, choices), null, 1) + '\n');
  return file;
}

/** Every layer the same block (k, e), as the zoo's QuadraNets are built. */
function uniform(space: SearchSpace, k: number, e: number): Choices {
  return spaceLayout(space).layers.map((l) => {
    const c = l.candidates.find((x) => x.kind === 'block' && x.kernelSize === k && x.expansion === e);
    if (!c) throw new Error(`the space has no block k${k} e${e}`);
    return c.id;
  });
}

export function runNasStudy(o: NasStudyOptions, log: (s: string) => void): Arm[] {
  const space = DEFAULT_SPACES[o.space] ?? readSpace(o.space);
  const lut = loadLut(o.lut);
  checkLut(lut, space, o.lut);
  mkdirSync(o.out, { recursive: true });
  const budgets = o.budgets ?? spaceLatencyQuantiles(space, lut).map((q) => Number(q.ms.toFixed(3)));
  const arms: Arm[] = [];

  for (const budget of budgets) {
    const dir = join(o.out, `search-${budget}`);
    if (!existsSync(join(dir, 'report.json'))) {
      quadra(['search', '--space', o.space, '--lut', o.lut, '--latency-ms', String(budget), '--dataset', 'fashion-mnist', '--limit', String(o.limit),
        '--epochs', String(o.searchEpochs), '--warmup-epochs', String(o.searchWarmup), '--alpha-lr', String(o.alphaLr), '--loss', o.loss, '--derive', o.derive,
        ...(o.lossLambda === undefined ? [] : ['--loss-lambda', String(o.lossLambda)]), '--seed', String(o.seed), '--json', '--out', dir]);
    }
    const report = readJson<{ derived: { choices: Choices; measured: { median: number } | null; predictedMs: number }; downgrade: { choices: Choices } | null }>(join(dir, 'report.json'));
    // Over budget: the report's greedy downgrade is the network that honours it.
    const choices = report.downgrade?.choices ?? report.derived.choices;
    const arch = writeArch(space, choices, join(dir, 'study-arch.json'));
    const t = train(arch, join(dir, 'train'), o);
    arms.push({ arm: 'searched', name: `searched @ ${budget} ms`, budget_ms: budget, choices, latency_ms: NaN, ...t });
    log(`searched @ ${budget} ms: [${choices.join(' ')}], test ${(100 * t.test_acc).toFixed(2)} %`);
  }

  const layers = spaceLayout(space).layers[0].candidates.filter((c) => c.kind === 'block');
  for (const [k, e] of [...new Set(layers.map((c) => `${c.kernelSize},${c.expansion}`))].map((s) => s.split(',').map(Number))) {
    const choices = uniform(space, k, e);
    const dir = join(o.out, `hand-k${k}-e${e}`);
    mkdirSync(dir, { recursive: true });
    const t = train(writeArch(space, choices, join(dir, 'arch.json')), join(dir, 'train'), o);
    arms.push({ arm: 'hand-designed', name: `all k${k} e${e}`, choices, latency_ms: NaN, ...t });
    log(`hand-designed k${k} e${e}: test ${(100 * t.test_acc).toFixed(2)} %`);
  }

  sampleArchitectures(space, o.random, o.seed + 1).forEach((choices, i) => {
    const dir = join(o.out, `random-${i}`);
    mkdirSync(dir, { recursive: true });
    const t = train(writeArch(space, choices, join(dir, 'arch.json')), join(dir, 'train'), o);
    arms.push({ arm: 'random', name: `random ${i}`, choices, latency_ms: NaN, ...t });
    log(`random ${i}: [${choices.join(' ')}], test ${(100 * t.test_acc).toFixed(2)} %`);
  });
  // Latency last, all networks alike: interleaved rounds (this VM's speed drifts between phases),
  // the median of each network's per-round medians.
  const rounds: number[][] = arms.map(() => []);
  for (let r = 0; r < o.latencyRounds; r++) arms.forEach((a, i) => rounds[i].push(measureArchitecture(space, a.choices).median));
  arms.forEach((a, i) => (a.latency_ms = rounds[i].sort((x, y) => x - y)[rounds[i].length >> 1]));
  writeFileSync(join(o.out, 'study.json'), JSON.stringify({ options: o, budgets, arms }, null, 1) + '\n');
  return arms;
}

/**
 * For each searched network: the best random one at equal or lower latency (latency within 5 %
 * above counts as equal: the noise of this VM), and whether the searched one matches or beats it.
 */
export function verdicts(arms: Arm[]): { budget: number; searched: Arm; bestRandom: Arm | null; wins: boolean }[] {
  return arms.filter((a) => a.arm === 'searched').map((s) => {
    const rivals = arms.filter((a) => a.arm === 'random' && a.latency_ms <= s.latency_ms * 1.05);
    const bestRandom = rivals.reduce<Arm | null>((b, a) => (b === null || a.test_acc > b.test_acc ? a : b), null);
    return { budget: s.budget_ms!, searched: s, bestRandom, wins: bestRandom === null || s.test_acc >= bestRandom.test_acc };
  });
}

export async function nasStudySvg(arms: Arm[], machine: Machine, title: string): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, subtitle: `${machine.cpu}, ${machine.threads} threads, ${machine.simd}` },
    width: 520,
    height: 320,
    data: { values: arms.map((a) => ({ ...a, acc: 100 * a.test_acc })) },
    mark: { type: 'point', filled: true, size: 90 },
    encoding: {
      x: { field: 'latency_ms', type: 'quantitative', title: 'measured latency (ms, batch of the space)', scale: { zero: false } },
      y: { field: 'acc', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } },
      color: { field: 'arm', type: 'nominal', title: null },
      shape: { field: 'arm', type: 'nominal' },
      tooltip: [{ field: 'name' }, { field: 'latency_ms' }, { field: 'acc' }],
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
