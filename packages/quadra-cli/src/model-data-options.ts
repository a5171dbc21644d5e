/**
 * The model and data flags `quadra train` and `quadra lr-find` share (one definition, the
 * hardened parsers): what to build (--model/--arch, --stem, --kernel-size, --depths, --width),
 * what to read (--dataset, --data-dir, --limit, --workers, --crop-pad) and the step's recipe
 * (--batch-size, --weight-decay, --label-smoothing, --drop-path, --clip-grad, --seed).
 */
import { STEMS, TRAIN_DEFAULTS, type StemName } from '@quadranet/models';
import type { Command } from 'commander';
import {
  inputDir, inputFile, intList, LIMITS, nonNegativeInt, nonNegativeNumber, numberIn, oddInt, oneOf, positiveInt,
} from './arg-parsers.js';

export interface ModelDataFlags {
  model?: string; arch?: string; dataset: string; dataDir?: string; batchSize: number; weightDecay: number; labelSmoothing: number;
  dropPath: number; clipGrad: number; seed: number; stem: string; kernelSize?: number; depths?: number[]; width?: number;
  cropPad: number; limit: number; workers: number;
}

export function addModelOptions(command: Command, modelHelp: string): Command {
  const d = TRAIN_DEFAULTS;
  return command
    .option('--model <name>', modelHelp)
    .option('--arch <file>', 'train this architecture (QuadraNet options as JSON, e.g. the arch.json of `quadra search`) instead of a zoo model', inputFile('--arch'))
    .option('--dataset <name>', 'fashion-mnist | synthetic', oneOf('--dataset', ['fashion-mnist', 'synthetic']), 'fashion-mnist')
    .option('--data-dir <dir>', 'IDX files (default /usr/share/datasets/fashion-mnist)', inputDir('--data-dir'))
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size', LIMITS.batchSize), d.batchSize)
    .option('--weight-decay <x>', 'decoupled weight decay (not on 1-D parameters)', nonNegativeNumber('--weight-decay'), d.weightDecay)
    .option('--label-smoothing <x>', 'label smoothing', numberIn('--label-smoothing', { min: 0, max: 1 }), d.labelSmoothing)
    .option('--drop-path <x>', 'stochastic depth rate (rises linearly over blocks)', numberIn('--drop-path', { min: 0, max: 1, maxExclusive: true }), d.dropPath)
    .option('--clip-grad <x>', 'max gradient norm (0: off)', nonNegativeNumber('--clip-grad'), d.clipGrad)
    .option('--seed <n>', 'seed for init, shuffling, augmentation, drop path and the validation split', nonNegativeInt('--seed'), d.seed)
    .option('--stem <kind>', 'small (3x3/1 conv) | patch1 (1x1/1) | patch2 (2x2/2) | patch4 (4x4/4) | conv2 (3x3/2 conv)', oneOf('--stem', Object.keys(STEMS) as StemName[]), d.stem)
    .option('--kernel-size <k>', 'depthwise kernel size for every stage (default 7)', oddInt('--kernel-size', LIMITS.kernelSize))
    .option('--depths <list>', "override the model's depths (1-4 stages, widths C, 2C, ...), e.g. 2,2,6,2", intList('--depths', 0, 1024))
    .option('--width <C>', "override the model's base width C (stages C, 2C, 4C, 8C)", positiveInt('--width', LIMITS.width))
    .option('--crop-pad <px>', 'random-crop padding', nonNegativeInt('--crop-pad', 1024), d.cropPad)
    .option('--limit <n>', 'use only the first n training images (0: all)', nonNegativeInt('--limit'), d.limit)
    .option('--workers <n>', 'batch-preparation worker threads (0: main thread)', nonNegativeInt('--workers', LIMITS.workers), d.workers);
}
