#!/usr/bin/env node
/** The `quadra` command line: info, train, eval (and infer, xor). */
import { deviceAvailability, getBackend, supportMatrix } from '@quadranet/core';
import { info } from '@quadranet/lib';
import { Command } from 'commander';
import { addInferCommand } from './cli/infer-command.js';
import { addTrainCommands } from './cli/train-command.js';
import { formatXorReport, runXor } from './xor/index.js';

const program = new Command('quadra').description('QuadraNet.ts command line');

program
  .command('info')
  .description('native module, SIMD target, threads, GEMM provider, CUDA status; --ops: which backend runs each kernel')
  .option('--json', 'print one JSON object')
  .option('--ops', 'the kernel support matrix, generated from the kernel registry')
  .action((opts: { json?: boolean; ops?: boolean }) => {
    const i = info();
    const ops = opts.ops ? supportMatrix() : undefined;
    if (opts.json) {
      console.log(JSON.stringify({ ...i, backend: getBackend(), ...(ops ? { ops } : {}) }));
      return;
    }
    console.log(`QuadraNet.ts ${i.version}`);
    console.log(`  backend : ${getBackend()} (${i.backend === 'native' ? 'native module loaded' : i.backend === 'reference' ? 'reference kernels only' : 'native module did not load'})`);
    console.log(`  simd    : ${i.simd}${i.simdSupported.length ? ` (supported: ${i.simdSupported.join(', ')})` : ''}`);
    if (i.convSimd !== i.simd) console.log(`  conv    : ${i.convSimd} (the depthwise/quadratic conv kernels are built without SVE)`);
    console.log(`  threads : ${i.threads}`);
    console.log(`  gemm    : ${i.gemm ?? 'none (reference)'}`);
    console.log(`  cuda    : ${i.cuda.available ? 'available' : `unavailable (${i.cuda.reason})`}`);
    if (i.nativeError) console.log(`\n${i.nativeError}`);
    if (ops) {
      console.log(`\n  ${'kernel'.padEnd(18)} ${'ref'.padEnd(5)} ${'cpu'.padEnd(10)} cuda`);
      for (const o of ops) console.log(`  ${o.kernel.padEnd(18)} ${(o.ref ? 'yes' : '-').padEnd(5)} ${o.cpu.padEnd(10)} ${o.cuda ? 'yes' : '-'}`);
      const cuda = deviceAvailability('cuda');
      if (!cuda.available) console.log(`  (cuda column empty: ${cuda.reason})`);
    }
  });

addTrainCommands(program);
addInferCommand(program);

program
  .command('xor')
  .description("the paper's Figure 2: one quadratic neuron, a perceptron and a 10-unit MLP on XOR; writes xor.svg and xor.json")
  .option('--out <dir>', 'output folder', 'runs/xor')
  .option('--seed <n>', 'seed', '1')
  .option('--steps <n>', 'training steps', '200')
  .action((o: { out: string; seed: string; steps: string }) => {
    console.log(formatXorReport(runXor({ outDir: o.out, seed: Number(o.seed), steps: Number(o.steps) })));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
