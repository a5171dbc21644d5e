/** `quadra export`: a training checkpoint as a PyTorch state dict plus its config JSON (ONNX: a later target). */
import { ArgumentError } from '@quadranet/core';
import { exportPyTorch } from '@quadranet/models';
import type { Command } from 'commander';

export function addExportCommand(program: Command): void {
  program
    .command('export')
    .description('write a `quadra train` checkpoint in another format')
    .requiredOption('--checkpoint <file>', 'checkpoint.safetensors from `quadra train`')
    .option('--pytorch <file>', 'PyTorch state dict (reference names and layouts) as safetensors, plus <file>.config.json for `quadra infer --model`')
    .option('--json', 'print one JSON object')
    .action((o: { checkpoint: string; pytorch?: string; json?: boolean }) => {
      if (o.pytorch === undefined) throw new ArgumentError('export needs a target: --pytorch <file.safetensors>');
      const r = exportPyTorch(o.checkpoint, o.pytorch);
      if (o.json) console.log(JSON.stringify({ pytorch: r.weights, config: r.config, params: r.params }));
      else console.log(`wrote ${r.weights} (${r.params.toLocaleString('en-US')} parameters, PyTorch layout) and ${r.config}\nrun it with: quadra infer --model ${r.config} --weights ${r.weights} --input x.safetensors --output logits.safetensors`);
    });
}
