/** `quadra train`: flags → TrainConfig, then train() with a progress bar or JSON lines. */
import { setThreads } from '@quadranet/lib';
import { checkConfig, train, TRAIN_DEFAULTS, type StemName, type TrainConfig } from '@quadranet/models';
import type { Command } from 'commander';
import { DEVICE_FLAG, DEVICE_HELP, deviceFromFlag } from '../device-option.js';
import { trainProgress } from '../train-progress.js';
import {
  intList, nonNegativeInt, nonNegativeNumber, numberIn, oneOf, positiveInt, positiveNumber,
} from '../arg-parsers.js';

/** The options commander hands the action (names are the flags in camelCase). */
interface TrainFlags {
  model: string; dataset: string; dataDir?: string;
  epochs: number; batchSize: number; lr: number; weightDecay: number; warmup: number; labelSmoothing: number;
  dropPath: number; clipGrad: number; seed: number; stem: string; kernelSize?: number; depths?: number[]; width?: number;
  cropPad: number; limit: number; workers: number; threads?: number; device?: string;
  out: string; resume?: boolean; json?: boolean;
}

export function addTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a zoo model on Fashion-MNIST (Debian dataset-fashion-mnist) or synthetic data')
    .requiredOption('--model <name>', 'zoo name, e.g. quadranet25_xxs, convnext25_xxs')
    .option('--dataset <name>', 'fashion-mnist | synthetic', oneOf('--dataset', ['fashion-mnist', 'synthetic']), 'fashion-mnist')
    .option('--data-dir <dir>', 'IDX files (default /usr/share/datasets/fashion-mnist)')
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), TRAIN_DEFAULTS.epochs)
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
    .option('--lr <x>', 'peak learning rate (AdamW)', positiveNumber('--lr'), TRAIN_DEFAULTS.lr)
    .option('--weight-decay <x>', 'decoupled weight decay (not on 1-D parameters)', nonNegativeNumber('--weight-decay'), TRAIN_DEFAULTS.weightDecay)
    .option('--warmup <epochs>', 'linear warm-up length in epochs, then cosine decay', nonNegativeNumber('--warmup'), TRAIN_DEFAULTS.warmup)
    .option('--label-smoothing <x>', 'label smoothing', numberIn('--label-smoothing', { min: 0, max: 1 }), TRAIN_DEFAULTS.labelSmoothing)
    .option('--drop-path <x>', 'stochastic depth rate (rises linearly over blocks)', numberIn('--drop-path', { min: 0, max: 1, maxExclusive: true }), TRAIN_DEFAULTS.dropPath)
    .option('--clip-grad <x>', 'max gradient norm (0: off)', nonNegativeNumber('--clip-grad'), TRAIN_DEFAULTS.clipGrad)
    .option('--seed <n>', 'seed for init, shuffling, augmentation and drop path', nonNegativeInt('--seed'), TRAIN_DEFAULTS.seed)
    .option('--stem <kind>', 'small (3x3/1) | patch2 (2x2/2) | patch4 (4x4/4)', oneOf('--stem', ['small', 'patch2', 'patch4']), TRAIN_DEFAULTS.stem)
    .option('--kernel-size <k>', 'depthwise kernel size for every stage (default 7)', positiveInt('--kernel-size'))
    .option('--depths <list>', "override the model's depths (1-4 stages, widths C, 2C, ...), e.g. 2,2,6,2", intList('--depths'))
    .option('--width <C>', "override the model's base width C (stages C, 2C, 4C, 8C)", positiveInt('--width'))
    .option('--crop-pad <px>', 'random-crop padding', nonNegativeInt('--crop-pad'), TRAIN_DEFAULTS.cropPad)
    .option('--limit <n>', 'use only the first n training images (0: all)', nonNegativeInt('--limit'), TRAIN_DEFAULTS.limit)
    .option('--workers <n>', 'batch-preparation worker threads (0: main thread)', nonNegativeInt('--workers'), TRAIN_DEFAULTS.workers)
    .option('--threads <n>', 'native compute threads (default: one per core)', positiveInt('--threads'))
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .option('--out <dir>', 'checkpoint, metrics.json and curves.svg go here', 'runs/latest')
    .option('--resume', 'continue from <out>/checkpoint.safetensors (its configuration wins)')
    .option('--json', 'one JSON line per step and per epoch instead of a progress bar')
    .action(async (o: TrainFlags) => {
      const device = deviceFromFlag(o.device);
      if (o.threads !== undefined) setThreads(o.threads);
      // checkConfig rejects a dataset or stem outside its names, with the flag's name.
      const config = checkConfig({
        model: o.model, dataset: o.dataset as TrainConfig['dataset'], dataDir: o.dataDir,
        epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, weightDecay: o.weightDecay,
        warmup: o.warmup, labelSmoothing: o.labelSmoothing, dropPath: o.dropPath,
        clipGrad: o.clipGrad, seed: o.seed, stem: o.stem as StemName,
        kernelSize: o.kernelSize, depths: o.depths, width: o.width, cropPad: o.cropPad, workers: o.workers, limit: o.limit,
      });
      const json = o.json === true;
      const result = await train(config, o.out, o.resume === true, trainProgress(config, device, json), { device });
      const f = result.final;
      if (json) console.log(JSON.stringify({ event: 'done', test_acc: f.test_acc, checkpoint: result.checkpoint }));
      else console.log(`test accuracy ${(100 * f.test_acc).toFixed(2)}% after ${f.epoch} epochs; checkpoint ${result.checkpoint}`);
    });
}
