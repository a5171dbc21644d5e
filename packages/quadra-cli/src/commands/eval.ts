/** `quadra eval`: test accuracy of a checkpoint written by `quadra train`, with progress on stderr. */
import { evaluateCheckpoint, TTA_MODES, type TtaMode } from '@quadranet/models';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { inputDir, inputFile, oneOf } from '../arg-parsers.js';
import { DEVICE_FLAG, DEVICE_HELP, deviceFromFlag } from '../device-option.js';

/** Progress as a bar on stderr, or with `json` as JSON lines on stderr (stdout keeps the one result object). */
function evalProgress(json: boolean): { onProgress(images: number, total: number): void; stop(): void } {
  let bar: cliProgress.SingleBar | null = null;
  return {
    onProgress(images, total) {
      if (json) {
        console.error(JSON.stringify({ event: 'progress', images, total }));
        return;
      }
      if (!bar) {
        bar = new cliProgress.SingleBar({ format: 'eval |{bar}| {value}/{total} images', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
        bar.start(total, images);
      } else bar.update(images);
    },
    stop() {
      bar?.stop();
    },
  };
}

export function addEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('test accuracy of a checkpoint written by `quadra train` (progress on stderr)')
    .requiredOption('--checkpoint <file>', 'checkpoint.safetensors (or best.safetensors)', inputFile('--checkpoint'))
    .option('--data-dir <dir>', 'IDX files (default: as recorded in the checkpoint)', inputDir('--data-dir'))
    .option('--ema', 'evaluate the weight EMA the checkpoint holds (trained with --model-ema) instead of the raw weights')
    .option('--tta <mode>', 'test-time augmentation: none | flip (average the logits of each image and its mirror)', oneOf('--tta', TTA_MODES), 'none')
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .option('--json', 'print one JSON object on stdout (progress as JSON lines on stderr)')
    .action(async (o: { checkpoint: string; dataDir?: string; json?: boolean; device?: string; ema?: boolean; tta: TtaMode }) => {
      const device = deviceFromFlag(o.device);
      const progress = evalProgress(o.json === true);
      let r;
      try {
        r = await evaluateCheckpoint(o.checkpoint, { dataDir: o.dataDir, device, ema: o.ema === true, tta: o.tta, onProgress: progress.onProgress });
      } finally {
        progress.stop();
      }
      const { model, dataset } = r.config;
      if (o.json) console.log(JSON.stringify({ model, dataset, epoch: r.epoch, test_acc: r.acc, test_loss: r.loss, weights: r.weights, tta: r.tta }));
      else {
        const how = [r.weights === 'ema' ? 'EMA weights' : '', r.tta === 'flip' ? 'flip TTA' : ''].filter(Boolean).join(', ');
        console.log(`${model} after ${r.epoch} epochs${how ? ` (${how})` : ''}: test accuracy ${(100 * r.acc).toFixed(2)}% (loss ${r.loss.toFixed(4)}) on ${r.images} ${dataset} images`);
      }
    });
}
