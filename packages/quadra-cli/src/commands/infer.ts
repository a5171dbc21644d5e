/** `quadra infer`: PyTorch-layout weights and input in, logits out. */
import { infer } from '@quadranet/models';
import type { Command } from 'commander';
import { positiveInt } from '../arg-parsers.js';
import { DEVICE_FLAG, DEVICE_HELP, deviceFromFlag } from '../device-option.js';

export function addInferCommand(program: Command): void {
  program
    .command('infer')
    .description('logits for an NCHW safetensors `input` with weights saved from a PyTorch QuadraNet state_dict()')
    .requiredOption('--model <name|config.json>', 'zoo name (quadranet36_t, ...) or a JSON file of QuadraNet options')
    .option('--num-classes <n>', 'classes of the head', positiveInt('--num-classes'))
    .option('--in-channels <n>', 'input channels', positiveInt('--in-channels'))
    .requiredOption('--weights <file>', 'safetensors with the reference parameter names, PyTorch layouts')
    .requiredOption('--input <file>', 'safetensors with a tensor `input` (N, C, H, W)')
    .requiredOption('--output <file>', 'safetensors to write `logits` (N, classes) into')
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .action((o: { model: string; numClasses?: number; inChannels?: number; weights: string; input: string; output: string; device?: string }) => {
      const logits = infer({ ...o, device: deviceFromFlag(o.device) });
      console.log(`wrote logits [${logits.shape.join(', ')}] to ${o.output}`);
    });
}
