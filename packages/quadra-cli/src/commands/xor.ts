/** `quadra xor`: the paper's Figure 2 (quadratic neuron vs perceptron vs MLP on XOR). */
import { formatXorReport, runXor } from '@quadranet/models';
import type { Command } from 'commander';
import { nonNegativeInt, outputDir, positiveInt } from '../arg-parsers.js';

export function addXorCommand(program: Command): void {
  program
    .command('xor')
    .description("the paper's Figure 2: one quadratic neuron, a perceptron and a 10-unit MLP on XOR; writes xor.svg and xor.json")
    .option('--out <dir>', 'output folder', outputDir('--out'), 'runs/xor')
    .option('--seed <n>', 'seed', nonNegativeInt('--seed'), 1)
    .option('--steps <n>', 'training steps', positiveInt('--steps', 1_000_000), 200)
    .action((o: { out: string; seed: number; steps: number }) => {
      console.log(formatXorReport(runXor({ outDir: o.out, seed: o.seed, steps: o.steps })));
    });
}
