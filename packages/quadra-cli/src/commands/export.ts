/**
 * `quadra export`: a training checkpoint as a PyTorch state dict plus its config JSON (--pytorch),
 * and a checkpoint or a model with PyTorch-layout weights as an ONNX model (--onnx).
 */
import { ArgumentError } from '@quadranet/core';
import { exportOnnx, exportPyTorch, ONNX_OPSETS } from '@quadranet/models';
import type { Command } from 'commander';
import { imageSize, intAtLeast, LIMITS, outputFile, positiveIntOr } from '../arg-parsers.js';
import { checkCheckpointAlone, givenFlags, modelSourceOptions, type ModelSourceFlags } from '../model-source.js';

interface ExportFlags extends ModelSourceFlags {
  pytorch?: string;
  onnx?: string;
  opset?: number;
  batch?: number | 'dynamic';
  size?: [number, number];
  json?: boolean;
}

function checkFlags(o: ExportFlags, cmd: Command): void {
  if (o.pytorch === undefined && o.onnx === undefined) throw new ArgumentError('export needs a target: --pytorch <file.safetensors> or --onnx <file.onnx>');
  const onnxOnly = givenFlags(cmd, ['opset', 'batch', 'size'] as const);
  if (o.onnx === undefined && onnxOnly.length) throw new ArgumentError(`${onnxOnly.join(', ')} ${onnxOnly.length > 1 ? 'apply' : 'applies'} only to --onnx`);
  checkCheckpointAlone(o, cmd);
  if (o.checkpoint === undefined && (o.model === undefined || o.weights === undefined)) {
    throw new ArgumentError('export needs --checkpoint <file>, or --model <name|config.json> with --weights <file>');
  }
  if (o.pytorch !== undefined && o.checkpoint === undefined) throw new ArgumentError('--pytorch exports a checkpoint: give --checkpoint <file> (--model/--weights are already PyTorch files)');
}

export function addExportCommand(program: Command): void {
  modelSourceOptions(program
    .command('export')
    .description('write a `quadra train` checkpoint, or a model with PyTorch-layout weights, in another format'), {
    checkpoint: 'checkpoint.safetensors from `quadra train`',
    model: 'with --weights (--onnx only): zoo name (quadranet36_t, ...) or a JSON file of QuadraNet options',
  })
    .option('--pytorch <file>', 'PyTorch state dict (reference names and layouts) as safetensors, plus <file>.config.json for `quadra infer --model`', outputFile('--pytorch'))
    .option('--onnx <file>', 'ONNX model: NCHW `input` [N, C, H, W] → `logits` [N, classes]', outputFile('--onnx'))
    .option('--opset <n>', `with --onnx: ONNX opset (${ONNX_OPSETS.min}–${ONNX_OPSETS.max})`, intAtLeast('--opset', ONNX_OPSETS.min, ONNX_OPSETS.max), 17)
    .option('--batch <n|dynamic>', 'with --onnx: a fixed batch size, or dynamic', positiveIntOr('--batch', 'dynamic', LIMITS.batchSize), 1)
    .option('--size <S|HxW>', "with --onnx: input size (default: the checkpoint's or the weights' metadata, else 224)", imageSize('--size'))
    .option('--json', 'print one JSON object')
    .action((o: ExportFlags, cmd: Command) => {
      checkFlags(o, cmd);
      const out: Record<string, unknown> = {};
      const lines: string[] = [];
      if (o.pytorch !== undefined) {
        const r = exportPyTorch(o.checkpoint!, o.pytorch);
        Object.assign(out, { pytorch: r.weights, config: r.config, params: r.params });
        lines.push(`wrote ${r.weights} (${r.params.toLocaleString('en-US')} parameters, PyTorch layout) and ${r.config}\nrun it with: quadra infer --model ${r.config} --weights ${r.weights} --input x.safetensors --output logits.safetensors`);
      }
      if (o.onnx !== undefined) {
        const r = exportOnnx({
          checkpoint: o.checkpoint, model: o.model, weights: o.weights, numClasses: o.numClasses, inChannels: o.inChannels,
          out: o.onnx, opset: o.opset, batch: o.batch, size: o.size,
        });
        Object.assign(out, { onnx: r.onnx, opset: r.opset, input: r.input, classes: r.classes, params: r.params, bytes: r.bytes });
        lines.push(`wrote ${r.onnx} (ONNX opset ${r.opset}, input [${r.input.join(', ')}] NCHW → logits [${r.input[0]}, ${r.classes}], ${r.params.toLocaleString('en-US')} parameters)`);
      }
      console.log(o.json ? JSON.stringify(out) : lines.join('\n'));
    });
}
