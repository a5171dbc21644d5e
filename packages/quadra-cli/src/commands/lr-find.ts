/** `quadra lr-find`: the learning-rate range test on a fresh model with the run's recipe; writes lr-find.json and lr-find.svg. */
import { ArgumentError, writeFileAtomic } from '@quadranet/core';
import { setThreads } from '@quadranet/lib';
import { LR_FIND_DEFAULTS, lrFind, lrFindSvg, readArchitecture, STEMS, TRAIN_DEFAULTS, type StemName, type TrainConfig } from '@quadranet/models';
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { intAtLeast, intList, nonNegativeInt, nonNegativeNumber, numberIn, oneOf, positiveInt, positiveNumber } from '../arg-parsers.js';
import { DEVICE_FLAG, DEVICE_HELP, deviceFromFlag } from '../device-option.js';
import { addDataRecipeOptions, recipeFromFlags, type RecipeFlags } from '../recipe-options.js';

interface LrFindFlags extends RecipeFlags {
  model?: string; arch?: string; dataset: string; dataDir?: string; batchSize: number; weightDecay: number; labelSmoothing: number;
  dropPath: number; clipGrad: number; seed: number; stem: string; kernelSize?: number; depths?: number[]; width?: number;
  cropPad: number; limit: number; workers: number; minLr: number; maxLr: number; steps: number; smoothing: number; divergence: number; skipStart: number; skipEnd: number;
  threads?: number; device?: string; out: string; json?: boolean;
}

export function addLrFindCommand(program: Command): void {
  const d = TRAIN_DEFAULTS;
  const command = program
    .command('lr-find')
    .description('learning-rate range test: train a fresh model while the lr rises exponentially, plot the smoothed loss and suggest the lr of steepest descent')
    .option('--model <name>', 'zoo name, e.g. quadranet25_xxs')
    .option('--arch <file>', 'an architecture file (as for `quadra train --arch`) instead of a zoo model')
    .option('--dataset <name>', 'fashion-mnist | synthetic', oneOf('--dataset', ['fashion-mnist', 'synthetic']), 'fashion-mnist')
    .option('--data-dir <dir>', 'IDX files (default /usr/share/datasets/fashion-mnist)')
    .option('--min-lr <x>', 'the ramp starts here', positiveNumber('--min-lr'), LR_FIND_DEFAULTS.minLr)
    .option('--max-lr <x>', 'the ramp ends here', positiveNumber('--max-lr'), LR_FIND_DEFAULTS.maxLr)
    .option('--steps <n>', 'steps of the ramp', intAtLeast('--steps', 2), LR_FIND_DEFAULTS.steps)
    .option('--smoothing <x>', 'exponential-average weight of the smoothed loss', numberIn('--smoothing', { min: 0, max: 1, maxExclusive: true }), LR_FIND_DEFAULTS.smoothing)
    .option('--divergence <x>', 'stop when the smoothed loss exceeds x times its best', numberIn('--divergence', { min: 1, minExclusive: true }), LR_FIND_DEFAULTS.divergence)
    .option('--skip-start <n>', 'points left out of the suggestion at the start (the average is settling)', nonNegativeInt('--skip-start'), LR_FIND_DEFAULTS.skipStart)
    .option('--skip-end <n>', 'points left out of the suggestion at the end', nonNegativeInt('--skip-end'), LR_FIND_DEFAULTS.skipEnd)
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), d.batchSize)
    .option('--weight-decay <x>', 'decoupled weight decay (not on 1-D parameters)', nonNegativeNumber('--weight-decay'), d.weightDecay)
    .option('--label-smoothing <x>', 'label smoothing', numberIn('--label-smoothing', { min: 0, max: 1, maxExclusive: true }), d.labelSmoothing)
    .option('--drop-path <x>', 'stochastic depth rate', numberIn('--drop-path', { min: 0, max: 1, maxExclusive: true }), d.dropPath)
    .option('--clip-grad <x>', 'max gradient norm (0: off)', nonNegativeNumber('--clip-grad'), d.clipGrad)
    .option('--seed <n>', 'seed for init, shuffling and augmentation', nonNegativeInt('--seed'), d.seed)
    .option('--stem <kind>', Object.keys(STEMS).join(' | '), oneOf('--stem', Object.keys(STEMS) as StemName[]), d.stem)
    .option('--kernel-size <k>', 'depthwise kernel size for every stage', positiveInt('--kernel-size'))
    .option('--depths <list>', "override the model's depths", intList('--depths'))
    .option('--width <C>', "override the model's base width C", positiveInt('--width'))
    .option('--crop-pad <px>', 'random-crop padding', nonNegativeInt('--crop-pad'), d.cropPad)
    .option('--limit <n>', 'use only the first n training images (0: all)', nonNegativeInt('--limit'), d.limit)
    .option('--workers <n>', 'batch-preparation worker threads (0: main thread)', nonNegativeInt('--workers'), d.workers);
  addDataRecipeOptions(command)
    .option('--threads <n>', 'native compute threads (default: one per core)', positiveInt('--threads'))
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .option('--out <dir>', 'lr-find.json and lr-find.svg go here', 'runs/lr-find')
    .option('--json', 'print the result as one JSON object')
    .action(async (o: LrFindFlags) => {
      const device = deviceFromFlag(o.device);
      if ((o.model === undefined) === (o.arch === undefined)) throw new ArgumentError('give --model (a zoo name such as quadranet25_xxs) or --arch FILE, one of the two');
      const arch = o.arch !== undefined ? readArchitecture(o.arch) : undefined;
      if (o.threads !== undefined) setThreads(o.threads);
      const config: TrainConfig = {
        model: o.model ?? basename(o.arch!).replace(/\.json$/, ''), ...(arch ? { arch } : {}), dataset: o.dataset as TrainConfig['dataset'], dataDir: o.dataDir,
        epochs: 1, batchSize: o.batchSize, lr: o.maxLr, weightDecay: o.weightDecay, warmup: 0, labelSmoothing: o.labelSmoothing, dropPath: o.dropPath,
        clipGrad: o.clipGrad, seed: o.seed, stem: o.stem as StemName, kernelSize: o.kernelSize, depths: o.depths, width: o.width,
        cropPad: o.cropPad, workers: o.workers, limit: o.limit, ...recipeFromFlags(o),
      };
      const r = await lrFind(config, { minLr: o.minLr, maxLr: o.maxLr, steps: o.steps, smoothing: o.smoothing, divergence: o.divergence, skipStart: o.skipStart, skipEnd: o.skipEnd }, {
        onStep: o.json ? undefined : (s) => process.stderr.write(`\rstep ${s.step}/${s.steps} lr ${s.lr.toExponential(2)} loss ${s.smoothed.toFixed(4)}   `),
      }, { device });
      if (!o.json) process.stderr.write('\n');
      mkdirSync(o.out, { recursive: true });
      const jsonFile = join(o.out, 'lr-find.json');
      const svgFile = join(o.out, 'lr-find.svg');
      writeFileAtomic(jsonFile, JSON.stringify(r, null, 2) + '\n');
      writeFileAtomic(svgFile, lrFindSvg(r, `${config.model} on ${config.dataset}`));
      if (o.json) console.log(JSON.stringify({ suggested_lr: r.suggestedLr, end: r.end, steps: r.lrs.length, json: jsonFile, svg: svgFile }));
      else {
        const s = r.suggestedLr === null ? 'no suggestion (the smoothed loss never fell)' : `suggested lr ${r.suggestedLr.toExponential(2)} (steepest descent of the smoothed loss)`;
        console.log(`${s}; ${r.lrs.length} steps, ${r.end === 'diverged' ? 'stopped when the loss diverged' : 'the whole ramp'}; ${jsonFile}, ${svgFile}`);
      }
    });
}
