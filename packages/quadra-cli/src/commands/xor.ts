/** `quadra xor`: the paper's Figure 2 (quadratic neuron vs perceptron vs MLP on XOR). */
import { formatXorReport, runXor } from '@quadranet/models';
import type { Command } from 'commander';

export function addXorCommand(program: Command): void {
  program
    .command('xor')
    .description("the paper's Figure 2: one quadratic neuron, a perceptron and a 10-unit MLP on XOR; writes xor.svg and xor.json")
    .option('--out <dir>', 'output folder', 'runs/xor')
    .option('--seed <n>', 'seed', '1')
    .option('--steps <n>', 'training steps', '200')
    .action((o: { out: string; seed: string; steps: string }) => {
      console.log(formatXorReport(runXor({ outDir: o.out, seed: Number(o.seed), steps: Number(o.steps) })));
    });
}
