#!/usr/bin/env node
/** Benchmarks: `node bench/dist/main.js <name> [--json]` (`pnpm bench quadconv`). */
import { writeFileSync } from 'node:fs';

import { Command } from 'commander';
import { formatProfile } from '@quadranet/core';

import { describeMachine, peakText, type Machine } from './machine.js';
import { modelNames, type BlockKind } from '@quadranet/models';

import { benchBlock, withBlockFloor, type BlockBenchResult } from './block.js';
import {
  BLOCK_KINDS, BLOCK_PEERS, INFER_PEERS, intAtLeast, intList, listOf, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, QUADCONV_PEERS, shape,
  shapes, oneOf, STEM_NAMES, TRAIN_PEERS, type BenchShape,
} from './flags.js';
import type { PeerResult } from './peer-result.js';
import { benchTrainSpeed, printTrainSpeed, type TrainSpeedOptions } from './train-speed.js';
import { benchInfer, inferJsonLine, LOGITS_TOLERANCE, printInfer, type InferBenchResult } from './infer.js';
import { inferChartSvg } from './infer-chart.js';
import { benchGemm, GEMM_SHAPES } from './gemm.js';
import { CRASH_DEFAULTS, printCrash, runCrashTest, type CrashOptions } from './crash.js';
import { printLeaks, runLeaks, type LeakOptions } from './leaks.js';
import { nasStudySvg, runNasStudy, verdicts } from './nas-study.js';
import { benchQuadConv, withQuadFloor, type QuadBenchResult } from './quadconv.js';

const DEFAULT_QUAD_CONFIGS = '8x56x56x64k7,8x14x14x256k7';

function fmt(ms: number | null, digits = 2) {
  return ms === null || !Number.isFinite(ms) ? '   n/a' : ms.toFixed(digits).padStart(8);
}

const PEER_LABELS: Record<string, string> = {
  unfused: 'QuadraLib unfused', 'tfjs-wasm': 'tfjs-wasm (fused dwconv)', 'tfjs-cpu': 'tfjs-cpu (fused dwconv)', pytorch: 'PyTorch (channels_last)',
};

function peerLabel(name: string) {
  return PEER_LABELS[name] ?? name;
}

/** A peer's note (absent, FAILED, its BLAS) and its numerics check, under its row. */
function printPeerNotes(p: PeerResult, indent: number) {
  const pad = `  ${''.padEnd(indent)}`;
  if (p.note) console.log(`${pad} (${p.note})`);
  if (p.status === 'ok' && p.rel_err) {
    console.log(`${pad} (outputs checked against ours: ${Object.entries(p.rel_err).map(([k, e]) => `${k} relative L2 ${e.toExponential(1)}`).join(', ')})`);
  }
  if (p.peak_rss_bytes) console.log(`${pad} (process peak RSS over one training step: ${(p.peak_rss_bytes / 2 ** 20).toFixed(0)} MB)`);
}

/** A peer that failed its numerics check fails the run (like infer). */
function failOnBadPeer(peers: Record<string, PeerResult>) {
  if (Object.values(peers).some((p) => p.status === 'failed')) process.exitCode = 1;
}

function printQuad(r: QuadBenchResult, m: Machine) {
  console.log(`\nquadconv2d  N=${r.n} H=${r.h} W=${r.w} C=${r.c} k=${r.k}   (median of ${r.runs} runs)`);
  console.log(`  floor at ${m.peakGflops.toFixed(0)} GFLOP/s: forward ${r.floor_fwd_ms.toFixed(2)} ms, forward+backward ${r.floor_fwdbwd_ms.toFixed(2)} ms`);
  console.log(`  ${'implementation'.padEnd(40)}   fwd ms   fwd+bwd ms   fwd vs ours   fwd+bwd vs ours`);
  const best = Math.min(r.fwdbwd_ms, r.fwdbwd_saved_ms);
  const line = (name: string, f: number | null, fb: number | null) => {
    const rf = f === null ? '     n/a' : `${(f / r.fwd_ms).toFixed(2)}x`.padStart(8);
    const rb = fb === null ? '     n/a' : `${(fb / best).toFixed(2)}x`.padStart(8);
    console.log(`  ${name.padEnd(40)} ${fmt(f)}   ${fmt(fb)}      ${rf}       ${rb}`);
  };
  line('QuadraLib fused', r.fwd_ms, r.fwdbwd_ms);
  line('QuadraLib fused (saved)', null, r.fwdbwd_saved_ms);
  for (const [name, p] of Object.entries(r.peers)) {
    const runs = p.fwdbwd_runs !== undefined ? ` (${p.runs}/${p.fwdbwd_runs} runs)` : '';
    line(peerLabel(name) + runs, p.fwd_ms, p.fwdbwd_ms);
    printPeerNotes(p, 40);
  }
  console.log(`  fused forward: ${r.fwd_gflops.toFixed(0)} GFLOP/s = ${(100 * r.fwd_peak_frac).toFixed(0)} % of peak; ` +
    `forward+backward: ${r.fwdbwd_gflops.toFixed(0)} GFLOP/s = ${(100 * r.fwdbwd_peak_frac).toFixed(0)} % of peak`);
}

function printBlocks(rs: BlockBenchResult[], m: Machine) {
  const r0 = rs[0];
  console.log(`\nblocks  N=${r0.n} H=${r0.h} W=${r0.w} C=${r0.c} k=${r0.k}   (median of ${r0.runs} runs; fwd = inference, fwd+bwd = training step)`);
  console.log(`  ${'implementation'.padEnd(44)}   fwd ms   fwd+bwd ms   peak MB    RSS MB   fwd vs ours   fwd+bwd vs ours`);
  console.log(`  (peak MB: memory()'s accounted peak above inputs and weights; RSS MB: process peak RSS over one training step)`);
  const mb = (b: number | null | undefined) => (b == null ? '     n/a' : (b / 2 ** 20).toFixed(1).padStart(8));
  for (const r of rs) {
    const name = { quadrablock: 'QuadraBlock', convblock: 'ConvNeXt block', horblock: 'HorNet block (g^4)', swinblock: 'Swin block', skipblock: 'Skip block' }[r.op] ?? r.op;
    console.log(`  ${(name + ' (quadra-core)').padEnd(44)} ${fmt(r.fwd_ms)}   ${fmt(r.fwdbwd_ms)}  ${mb(r.peak_bytes)}  ${mb(r.peak_rss_bytes)}`);
    for (const [peer, p] of Object.entries(r.peers)) {
      const rf = p.fwd_ms === null ? '     n/a' : `${(p.fwd_ms / r.fwd_ms).toFixed(1)}x`.padStart(8);
      const rb = p.fwdbwd_ms === null ? '     n/a' : `${(p.fwdbwd_ms / r.fwdbwd_ms).toFixed(1)}x`.padStart(8);
      console.log(`  ${(name + ' ' + peerLabel(peer) + (p.runs === 1 ? ' (1 run)' : '')).padEnd(44)} ${fmt(p.fwd_ms)}   ${fmt(p.fwdbwd_ms)}       n/a  ${mb(p.peak_rss_bytes)}      ${rf}       ${rb}`);
      printPeerNotes({ ...p, peak_rss_bytes: undefined }, 44);
      if (p.peak_rss_bytes && r.peak_rss_bytes) console.log(`  ${''.padEnd(44)}  (process peak RSS ours / ${peer}: ${(r.peak_rss_bytes / p.peak_rss_bytes).toFixed(2)})`);
    }
    console.log(`  ${'  floor at ' + m.peakGflops.toFixed(0) + ' GFLOP/s'.padEnd(10)}`.padEnd(46) + ` ${fmt(r.floor_fwd_ms)}   ${fmt(r.floor_fwdbwd_ms)}      (ours at ${(100 * r.floor_fwd_ms / r.fwd_ms).toFixed(0)} % / ${(100 * r.floor_fwdbwd_ms / r.fwdbwd_ms).toFixed(0)} % of peak)`);
  }
  for (const r of rs) {
    if (!r.profile) continue;
    console.log(`\n  ${r.op}: ${r.profile.steps} training steps after the timed ones, ${(r.profile.totalMs / r.profile.steps).toFixed(2)} ms per step`);
    console.log(formatProfile(r.profile).split('\n').map((l) => `    ${l}`).join('\n'));
  }
  const qb = rs.find((r) => r.op === 'quadrablock');
  if (qb) {
    for (const r of rs) {
      if (r === qb || r.op === 'skipblock') continue;
      console.log(`  QuadraBlock vs ${r.op}: throughput fwd ${(r.fwd_ms / qb.fwd_ms).toFixed(2)}x, training ${(r.fwdbwd_ms / qb.fwdbwd_ms).toFixed(2)}x; training memory ${(100 * (1 - qb.peak_bytes / r.peak_bytes)).toFixed(0)} % less`);
    }
  }
}

const program = new Command('bench').description('QuadraNet.ts benchmarks');

program
  .command('quadconv')
  .description('fused quadratic depthwise conv vs unfused path, TensorFlow.js and PyTorch (each checked against ours first)')
  .option('--json', 'one JSON object per configuration')
  .option('--configs <list>', 'NxHxWxCkK,...', shapes('--configs'), shapes('--configs')(DEFAULT_QUAD_CONFIGS))
  .option('--runs <n>', 'timed runs per measurement (>= 20)', intAtLeast('--runs', 20), 30)
  .option('--warmup <n>', 'warm-up runs', nonNegativeInt('--warmup'), 5)
  .option('--peers <list>', `peers to run: ${QUADCONV_PEERS.join(',')} (or none)`, listOf('--peers', QUADCONV_PEERS, { none: true }), [...QUADCONV_PEERS])
  .option('--peer-budget <ms>', 'time budget per slow-peer measurement (one run when a call takes over a quarter of it)', positiveNumber('--peer-budget'), 8000)
  .action(async (opts: { json?: boolean; configs: BenchShape[]; runs: number; warmup: number; peers: string[]; peerBudget: number }) => {
    const machine = describeMachine();
    const results: QuadBenchResult[] = [];
    for (const { s, k } of opts.configs) {
      results.push(await benchQuadConv(s, k, { runs: opts.runs, warmup: opts.warmup, peers: opts.peers, peerBudgetMs: opts.peerBudget, threads: machine.threads }, machine));
      machine.probe();
    }
    if (!opts.json) console.log(`machine: ${machine.cpu}, ${machine.cores} cores; QuadraLib ${machine.simd}, ${machine.threads} threads; ${peakText(machine)}`);
    for (const r of results) {
      withQuadFloor(r, machine.peakGflops);
      if (opts.json) console.log(JSON.stringify({ ...r, peak_readings: machine.peakReadings }));
      else printQuad(r, machine);
      failOnBadPeer(r.peers);
    }
  });

program
  .command('quadrablock')
  .description('one QuadraBlock and one ConvNeXt block, forward and forward+backward, vs TensorFlow.js and PyTorch (each checked against ours first), with peak memory')
  .option('--json', 'one JSON line per block: op, n, h, w, c, fwd_ms, fwdbwd_ms, peak_bytes, ...')
  .option('--shape <NxHxWxCkK>', 'input shape and kernel size (default 8x56x56x64k7)', shape('--shape'), shape('--shape')('8x56x56x64k7'))
  .option('--runs <n>', 'timed runs per measurement (>= 5)', intAtLeast('--runs', 5), 20)
  .option('--warmup <n>', 'warm-up runs', nonNegativeInt('--warmup'), 3)
  .option('--peers <list>', `${BLOCK_PEERS.join(',')} (or none)`, listOf('--peers', BLOCK_PEERS, { none: true }), [...BLOCK_PEERS])
  .option('--blocks <list>', `any of ${BLOCK_KINDS.join(',')}`, listOf('--blocks', BLOCK_KINDS), ['quadra', 'conv'])
  .option('--peer-budget <ms>', 'time budget per slow-peer measurement', positiveNumber('--peer-budget'), 8000)
  .option('--profile', 'also profile --runs steady-state training steps of each block kernel by kernel (printed; in --json as profile)')
  .action(async (opts: { json?: boolean; shape: BenchShape; runs: number; warmup: number; peers: string[]; blocks: BlockKind[]; peerBudget: number; profile?: boolean }) => {
    const machine = describeMachine();
    const { s, k } = opts.shape;
    const results: BlockBenchResult[] = [];
    for (const kind of opts.blocks) {
      results.push(await benchBlock(kind, s.n, s.h, s.w, s.c, k, { runs: opts.runs, warmup: opts.warmup, peers: opts.peers, peerBudgetMs: opts.peerBudget, threads: machine.threads, profile: opts.profile }, machine));
      machine.probe();
    }
    if (!opts.json) console.log(`machine: ${machine.cpu}, ${machine.cores} cores; QuadraLib ${machine.simd}, ${machine.threads} threads; ${peakText(machine)}`);
    for (const r of results) {
      withBlockFloor(r, machine.peakGflops);
      if (opts.json) console.log(JSON.stringify({ ...r, peak_gflops: machine.peakGflops, peak_readings: machine.peakReadings }));
      failOnBadPeer(r.peers);
    }
    if (!opts.json) printBlocks(results, machine);
  });

program
  .command('train-speed')
  .description('training images/s of the Fashion-MNIST net of issue 18 (quadra train\'s step: AdamW, label smoothing, clipping, drop path) vs the same model in PyTorch, ' +
    'with CPU utilisation (process CPU time / wall time) and peak RSS; PyTorch\'s logits for our weights are checked first')
  .option('--json', 'one JSON object: ours.{images_per_s, step_ms, cpu_utilisation, peak_rss_bytes}, peers.pytorch.{... , ours_vs_peer, fair, blas, rel_err}')
  .option('--model <name>', 'zoo name the network starts from (as quadra train --model)', 'quadranet25_xxs')
  .option('--depths <list>', 'blocks per stage', intList('--depths', 0), [2, 2, 6, 2])
  .option('--width <C>', 'base width (stages C, 2C, 4C, 8C)', positiveInt('--width'), 24)
  .option('--stem <name>', `${STEM_NAMES.join(' | ')} (as quadra train --stem)`, oneOf('--stem', STEM_NAMES), 'patch2')
  .option('--size <px>', 'input height and width', positiveInt('--size'), 28)
  .option('--batch <n>', 'batch size', positiveInt('--batch'), 128)
  .option('--steps <n>', 'timed training steps', positiveInt('--steps'), 20)
  .option('--warmup <n>', 'warm-up steps', nonNegativeInt('--warmup'), 3)
  .option('--peers <list>', `${TRAIN_PEERS.join(',')} (or none)`, listOf('--peers', TRAIN_PEERS, { none: true }), [...TRAIN_PEERS])
  .action((o: Omit<TrainSpeedOptions, 'threads' | 'classes'> & { json?: boolean }) => {
    const machine = describeMachine();
    const r = benchTrainSpeed({ ...o, classes: 10, threads: machine.threads });
    if (o.json) console.log(JSON.stringify({ ...r, cpu: machine.cpu, simd: machine.simd }));
    else printTrainSpeed(r, machine.cpu);
    if (Object.values(r.peers).some((p) => p.status === 'failed')) process.exitCode = 1;
  });

program
  .command('infer')
  .description('zoo models\' inference (eval, no grad) on our native CPU path vs onnxruntime-node running our ONNX export and ' +
    'TensorFlow.js 4.22 (wasm, cpu) running the same weights; every peer\'s logits are checked against ours first')
  .option('--json', 'one JSON line per model and batch: model, batch, ours_ips, peers.<name>.ips, then ms, p10, p90, ratio, rss_mb, threads, machine, ...')
  .option('--models <list>', 'zoo names (default quadranet36_xxs,quadranet36_t)', listOf('--models', modelNames()), ['quadranet36_xxs', 'quadranet36_t'])
  .option('--batches <list>', 'batch sizes (default 1,8)', intList('--batches', 1), [1, 8])
  .option('--size <px>', 'input height and width (default 224)', positiveInt('--size'), 224)
  .option('--runs <n>', 'timed runs for ours, onnxruntime and tfjs-wasm (>= 2)', intAtLeast('--runs', 2), 5)
  .option('--warmup <n>', 'warm-up runs (a peer\'s logits check counts as one)', nonNegativeInt('--warmup'), 2)
  .option('--peers <list>', `${INFER_PEERS.join(',')} (or none)`, listOf('--peers', INFER_PEERS, { none: true }), [...INFER_PEERS])
  .option('--tfjs-cpu-runs <n>', 'at most this many timed runs for tfjs-cpu (plain JS: minutes per call at 224x224)', positiveInt('--tfjs-cpu-runs'), 3)
  .option('--peer-budget <ms>', 'tfjs-cpu stops timing after this many ms (always at least one run)', positiveNumber('--peer-budget'), 30_000)
  .option('--chart <file.svg>', 'also write a bar chart of images/s per engine (Vega-Lite, SVG)')
  .option('--profile', 'print where our forward spends its time, kernel by kernel, for every model and batch (always where a peer is faster; always in --json)')
  .action(async (opts: {
    json?: boolean; models: string[]; batches: number[]; size: number; runs: number; warmup: number; peers: string[];
    tfjsCpuRuns: number; peerBudget: number; chart?: string; profile?: boolean;
  }) => {
    const machine = describeMachine();
    if (!opts.json) {
      console.log(`machine: ${machine.cpu}, ${machine.cores} cores; QuadraLib ${machine.simd}, ${machine.threads} threads (onnxruntime the same; ` +
        `tfjs-wasm and tfjs-cpu 1 thread: tfjs-backend-wasm has no threads in Node); measured fp32 FMA peak ${machine.peakGflops.toFixed(0)} GFLOP/s; ` +
        `${opts.size}x${opts.size}, 1000 classes; median of ${opts.runs} runs (tfjs-cpu: up to ${opts.tfjsCpuRuns} within ${opts.peerBudget} ms); ` +
        `peers' logits checked against ours (relative L2 <= ${LOGITS_TOLERANCE}) before timing`);
    }
    const all: InferBenchResult[] = [];
    for (const name of opts.models) {
      const rs = await benchInfer(name, {
        size: opts.size, batches: opts.batches, runs: opts.runs, warmup: opts.warmup, peers: opts.peers, threads: machine.threads,
        tfjsCpuRuns: opts.tfjsCpuRuns, peerBudgetMs: opts.peerBudget,
      });
      if (opts.json) for (const r of rs) console.log(inferJsonLine(r, machine));
      else printInfer(rs, machine, { profile: opts.profile });
      all.push(...rs);
    }
    if (opts.chart) {
      writeFileSync(opts.chart, await inferChartSvg(all, machine));
      if (!opts.json) console.log(`chart: ${opts.chart}`);
    }
    // A peer whose logits differ from ours is a failure of the run, not a missing number.
    if (all.some((r) => Object.values(r.peers).some((p) => 'error' in p))) process.exitCode = 1;
  });

program
  .command('gemm')
  .description("QuadraNet's MLP linear layers: oneDNN threading the whole GEMM vs our split per thread vs the packed inference layer, alternating in one run")
  .option('--rounds <n>', 'alternating rounds (each a median over repeats)', positiveInt('--rounds'), 9)
  .option('--json', 'one JSON line per shape')
  .action((o: { rounds: number; json?: boolean }) => {
    const m = describeMachine();
    if (!o.json) {
      console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.simd}, ${m.threads} threads, measured FMA peak ${m.peakGflops.toFixed(0)} GFLOP/s; y = x·wᵀ + b, median of ${o.rounds} alternating rounds`);
      console.log('  rows x in x out         oneDNN threads    our split       packed        split/oneDNN  packed/split   (ms, GFLOP/s, % of peak)');
    }
    for (const r of benchGemm(GEMM_SHAPES, o.rounds)) {
      const flop = 2 * r.rows * r.in * r.out;
      const cell = (ms: number) => `${ms.toFixed(3).padStart(7)} ${(flop / ms / 1e6).toFixed(0).padStart(4)} ${((100 * flop) / ms / 1e6 / m.peakGflops).toFixed(0).padStart(3)}%`;
      if (o.json) console.log(JSON.stringify({ ...r, peak_gflops: Number(m.peakGflops.toFixed(1)), threads: m.threads, simd: m.simd, cpu: m.cpu }));
      else console.log(`  ${`${r.rows}x${r.in}x${r.out}`.padEnd(20)} ${cell(r.provider_ms)}  ${cell(r.split_ms)}  ${cell(r.packed_ms)}  ${(r.provider_ms / r.split_ms).toFixed(2).padStart(8)}x  ${(r.split_ms / r.packed_ms).toFixed(2).padStart(10)}x`);
    }
  });

program
  .command('nas-study')
  .description('issue 12: searches at three latency budgets vs hand-designed and random architectures of the space, all measured end to end and trained alike')
  .requiredOption('--lut <file>', 'latency table of the space (quadra profile)')
  .option('--space <name|file>', 'the space the table was made for (default fashion-mnist)', 'fashion-mnist')
  .option('--out <dir>', 'every arm\'s search/training folder, study.json and study.svg (a re-run reuses finished arms)', 'runs/nas-study')
  .option('--limit <n>', 'training images for every arm (0: all 60000)', nonNegativeInt('--limit'), 6000)
  .option('--search-epochs <n>', 'search epochs (warm-up included)', positiveInt('--search-epochs'), 4)
  .option('--search-warmup <n>', 'warm-up epochs of the search', nonNegativeInt('--search-warmup'), 1)
  .option('--alpha-lr <x>', 'Adam lr of α in the searches (ProxylessNAS: 1e-3 over ~100x more α steps)', positiveNumber('--alpha-lr'), 1e-2)
  .option('--train-epochs <n>', 'training epochs of every network', positiveInt('--train-epochs'), 3)
  .option('--random <n>', 'random architectures', positiveInt('--random'), 10)
  .option('--budgets <list>', 'latency budgets in ms (default: the table\'s p25, p50, p75 of the space)', (v: string) => v.split(',').map(Number))
  .option('--seed <n>', 'seed of searches, trainings and the random draws', nonNegativeInt('--seed'), 0)
  .option('--loss <form>', 'the searches\' latency loss: mul-log | add-linear | add-abs', 'mul-log')
  .option('--loss-lambda <l>', 'λ of the add-* losses (quadra search\'s default when absent)', positiveNumber('--loss-lambda'))
  .option('--derive <rule>', 'how the searches read the network from α: argmax | grouped (quadra search --derive)', 'argmax')
  .option('--latency-rounds <n>', 'rounds of end-to-end latency measurement, all networks interleaved, after training', positiveInt('--latency-rounds'), 5)
  .action(async (o: { lut: string; latencyRounds: number; derive: string; loss: string; lossLambda?: number; space: string; out: string; limit: number; searchEpochs: number; searchWarmup: number; alphaLr: number; trainEpochs: number; random: number; budgets?: number[]; seed: number }) => {
    const machine = describeMachine();
    const t0 = Date.now();
    const arms = runNasStudy(o, (s) => console.log(s));
    console.log(`
${machine.cpu}, ${machine.threads} threads, ${machine.simd}; ${o.limit || 60000} training images, search ${o.searchEpochs} epochs (${o.searchWarmup} warm-up, α lr ${o.alphaLr}, loss ${o.loss}${o.lossLambda ? ` λ ${o.lossLambda}` : ''}, derive ${o.derive}), training ${o.trainEpochs} epochs; ${((Date.now() - t0) / 60000).toFixed(1)} min`);
    console.log('| arm | network | latency ms (measured) | test acc % | params |\n|---|---|---:|---:|---:|');
    for (const a of arms) console.log(`| ${a.arm} | ${a.name} | ${a.latency_ms.toFixed(3)} | ${(100 * a.test_acc).toFixed(2)} | ${a.params} |`);
    for (const v of verdicts(arms)) {
      const r = v.bestRandom;
      console.log(`budget ${v.budget} ms: searched ${v.searched.latency_ms.toFixed(3)} ms (${(v.searched.latency_ms / v.budget).toFixed(2)}x budget), ${(100 * v.searched.test_acc).toFixed(2)} %; ` +
        `best random at ≤ its latency: ${r ? `${r.name} ${r.latency_ms.toFixed(3)} ms ${(100 * r.test_acc).toFixed(2)} %` : 'none'} -> ${v.wins ? 'searched matches or beats it' : 'random is better'}`);
    }
    writeFileSync(`${o.out}/study.svg`, await nasStudySvg(arms, machine, 'Fashion-MNIST: test accuracy against measured latency'));
    console.log(`plot: ${o.out}/study.svg`);
  });

program
  .command('leaks')
  .description('issue 15: training steps, predict and predictAsync calls in long loops; RSS and memory() must stay flat after warm-up (run with node --expose-gc)')
  .option('--model <name>', 'zoo model (1-channel input, small-image stem)', 'quadranet25_xxs')
  .option('--size <n>', 'image height and width', positiveInt('--size'), 28)
  .option('--batch <n>', 'batch size', positiveInt('--batch'), 8)
  .option('--steps <n>', 'training steps', positiveInt('--steps'), 10_000)
  .option('--calls <n>', 'predict and predictAsync calls (each)', positiveInt('--calls'), 10_000)
  .option('--warmup <n>', 'iterations of each phase before the baseline sample', positiveInt('--warmup'), 500)
  .option('--samples <n>', 'samples per phase after warm-up', positiveInt('--samples'), 20)
  .option('--rss-bound <mb>', 'allowed RSS growth after warm-up (MiB)', positiveNumber('--rss-bound'), 32)
  .option('--json', 'the phases as one JSON object')
  .action(async (o: Omit<LeakOptions, 'rssBoundMb'> & { rssBound: number; json?: boolean }) => {
    const opts: LeakOptions = { ...o, rssBoundMb: o.rssBound };
    const m = describeMachine();
    const rs = await runLeaks(opts);
    if (o.json) console.log(JSON.stringify({ machine: m.cpu, options: opts, phases: rs }));
    else {
      console.log(`machine: ${m.cpu}, ${m.threads} threads`);
      printLeaks(rs, opts);
    }
    if (!rs.every((r) => r.ok)) process.exitCode = 1;
  });

program
  .command('crash')
  .description('issue 15: SIGKILL `quadra train` at random points and during checkpoint writes; every run must resume from a complete checkpoint with the reference losses')
  .option('--trials <n>', 'kills (and resumes)', intAtLeast('--trials', 1), CRASH_DEFAULTS.trials)
  .option('--seed <n>', 'seed for the kill times and write choices', nonNegativeInt('--seed'), CRASH_DEFAULTS.seed)
  .option('--write-every <n>', 'every n-th trial is killed during a checkpoint write (1: all)', positiveInt('--write-every'), CRASH_DEFAULTS.writeEvery)
  .option('--epochs <n>', 'epochs of the tiny run (8 steps each)', positiveInt('--epochs'), CRASH_DEFAULTS.epochs)
  .option('--checkpoint-every <n>', 'the run\'s --checkpoint-every', positiveInt('--checkpoint-every'), CRASH_DEFAULTS.checkpointEvery)
  .option('--pause-ms <ms>', 'how long the test hook holds each checkpoint write in the write-timed trials', positiveInt('--pause-ms'), CRASH_DEFAULTS.pauseMs)
  .option('--tolerance <x>', 'largest allowed loss difference after resume (0: bit-exact)', nonNegativeNumber('--tolerance'), CRASH_DEFAULTS.tolerance)
  .option('--json', 'the summary as one JSON object')
  .action(async (o: CrashOptions & { json?: boolean }) => {
    const opts: CrashOptions = { trials: o.trials, seed: o.seed, writeEvery: o.writeEvery, epochs: o.epochs, checkpointEvery: o.checkpointEvery, pauseMs: o.pauseMs, tolerance: o.tolerance };
    const s = await runCrashTest(opts, o.json ? undefined : (line) => console.log(line));
    if (o.json) console.log(JSON.stringify({ options: opts, ...s }));
    else printCrash(s, opts);
    if (s.failures.length > 0) process.exitCode = 1;
  });

// A bad flag is one line naming it (the shared parsers throw an ArgumentError), exit 1.
program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
