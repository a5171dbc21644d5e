/** `quadra eval`: test accuracy of a checkpoint written by `quadra train`. */
import { evaluateCheckpoint } from '@quadranet/models';
import type { Command } from 'commander';
import { DEVICE_FLAG, DEVICE_HELP, deviceFromFlag } from '../device-option.js';

export function addEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('test accuracy of a checkpoint written by `quadra train`')
    .requiredOption('--checkpoint <file>', 'checkpoint.safetensors')
    .option('--data-dir <dir>', 'IDX files (default: as recorded in the checkpoint)')
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .option('--json', 'print one JSON object')
    .action(async (o: { checkpoint: string; dataDir?: string; json?: boolean; device?: string }) => {
      const device = deviceFromFlag(o.device);
      const r = await evaluateCheckpoint(o.checkpoint, { dataDir: o.dataDir, device });
      const { model, dataset } = r.config;
      if (o.json) console.log(JSON.stringify({ model, dataset, epoch: r.epoch, test_acc: r.acc, test_loss: r.loss }));
      else console.log(`${model} after ${r.epoch} epochs: test accuracy ${(100 * r.acc).toFixed(2)}% (loss ${r.loss.toFixed(4)}) on ${r.images} ${dataset} images`);
    });
}
