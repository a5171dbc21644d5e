/**
 * `quadra infer`: a training checkpoint (`--checkpoint`, self-describing) or PyTorch-layout weights
 * (`--model` + `--weights`) and an input in; top-k classes printed, logits written to `--output`.
 */
import { ArgumentError } from '@quadranet/core';
import { infer, predict, type Prediction } from '@quadranet/models';
import type { Command } from 'commander';
import { inputFile, LIMITS, outputFile, positiveInt } from '../arg-parsers.js';
import { DEVICE_FLAG, DEVICE_HELP, deviceFromFlag } from '../device-option.js';
import { checkCheckpointAlone, givenFlags, modelSourceOptions, type ModelSourceFlags } from '../model-source.js';

interface InferFlags extends ModelSourceFlags {
  input: string; output?: string; topK: number; json?: boolean; device?: string;
}

function formatPrediction(p: Prediction, input: string): string {
  const lines: string[] = [];
  p.top.forEach((row, i) => {
    lines.push(p.top.length > 1 ? `${input} [${i}]:` : `${input}:`);
    for (const c of row) lines.push(`  ${(100 * c.prob).toFixed(2).padStart(6)}%  class ${c.index}${c.name ? ` (${c.name})` : ''}`);
  });
  return lines.join('\n');
}

function inferCheckpoint(o: InferFlags & { checkpoint: string }, cmd: Command): void {
  checkCheckpointAlone(o, cmd);
  const p = predict({ checkpoint: o.checkpoint, input: o.input, output: o.output, topK: o.topK, device: deviceFromFlag(o.device) });
  if (o.json) {
    console.log(JSON.stringify({ checkpoint: o.checkpoint, model: p.spec.name, input: o.input, input_shape: p.inputShape, output: o.output ?? null, top: p.top }));
    return;
  }
  console.log(formatPrediction(p, o.input));
  if (o.output) console.log(`wrote logits [${p.top.length}, ${p.logits.length / p.top.length}] to ${o.output}`);
}

export function addInferCommand(program: Command): void {
  modelSourceOptions(program
    .command('infer')
    .description('classify an input with a `quadra train` checkpoint (--checkpoint), or write logits with PyTorch-layout weights (--model, --weights)'), {
    checkpoint: 'checkpoint.safetensors from `quadra train`: carries the model, input size and normalisation',
    model: 'with --weights: zoo name (quadranet36_t, ...) or a JSON file of QuadraNet options',
  })
    .requiredOption('--input <file>', "safetensors with a tensor `input` (N, C, H, W); with --checkpoint also .npy (N, C, H, W) or a PNG/JPEG image", inputFile('--input'))
    .option('--output <file>', 'safetensors to write `logits` (N, classes) into (required with --model)', outputFile('--output'))
    .option('--top-k <k>', 'with --checkpoint: classes to print per image', positiveInt('--top-k', LIMITS.numClasses), 5)
    .option('--json', 'print one JSON object (with --model: the output file and the logits\' shape)')
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .action((o: InferFlags, cmd: Command) => {
      if (o.checkpoint !== undefined) return inferCheckpoint(o as InferFlags & { checkpoint: string }, cmd);
      const flags = givenFlags(cmd, ['topK'] as const);
      if (flags.length) {
        throw new ArgumentError(`${flags.join(' and ')} applies only to --checkpoint; --model/--weights write logits to --output`);
      }
      if (o.model === undefined || o.weights === undefined) throw new ArgumentError('infer needs --checkpoint <file>, or --model <name|config.json> with --weights <file>');
      if (o.output === undefined) throw new ArgumentError('--output <file> is required with --model/--weights');
      const logits = infer({ model: o.model, weights: o.weights, numClasses: o.numClasses, inChannels: o.inChannels, input: o.input, output: o.output, device: deviceFromFlag(o.device) });
      if (o.json) console.log(JSON.stringify({ model: o.model, weights: o.weights, input: o.input, output: o.output, logits_shape: logits.shape }));
      else console.log(`wrote logits [${logits.shape.join(', ')}] to ${o.output}`);
    });
}
