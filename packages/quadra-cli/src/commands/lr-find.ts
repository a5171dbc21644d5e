/** `quadra lr-find`: the learning-rate range test on a fresh model with the run's recipe; writes lr-find.json and lr-find.svg. */
import { ArgumentError, writeFileAtomic } from '@quadranet/core';
import { setThreads } from '@quadranet/lib';
import { LR_FIND_DEFAULTS, lrFind, lrFindSvg, readArchitecture, type StemName, type TrainConfig } from '@quadranet/models';
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { intAtLeast, LIMITS, nonNegativeInt, numberIn, outputDir, positiveInt, positiveNumber } from '../arg-parsers.js';
import { addModelOptions, type ModelDataFlags } from '../model-data-options.js';
import { DEVICE_FLAG, DEVICE_HELP, deviceFromFlag } from '../device-option.js';
import { addDataRecipeOptions, recipeFromFlags, type RecipeFlags } from '../recipe-options.js';

interface LrFindFlags extends RecipeFlags, ModelDataFlags {
  minLr: number; maxLr: number; steps: number; smoothing: number; divergence: number; skipStart: number; skipEnd: number;
  threads?: number; device?: string; out: string; json?: boolean;
}

export function addLrFindCommand(program: Command): void {
  const command = program
    .command('lr-find')
    .description('learning-rate range test: train a fresh model while the lr rises exponentially, plot the smoothed loss and suggest the lr of steepest descent');
  addModelOptions(command, 'zoo name, e.g. quadranet25_xxs')
    .option('--min-lr <x>', 'the ramp starts here', positiveNumber('--min-lr'), LR_FIND_DEFAULTS.minLr)
    .option('--max-lr <x>', 'the ramp ends here', positiveNumber('--max-lr'), LR_FIND_DEFAULTS.maxLr)
    .option('--steps <n>', 'steps of the ramp', intAtLeast('--steps', 2), LR_FIND_DEFAULTS.steps)
    .option('--smoothing <x>', 'exponential-average weight of the smoothed loss', numberIn('--smoothing', { min: 0, max: 1, maxExclusive: true }), LR_FIND_DEFAULTS.smoothing)
    .option('--divergence <x>', 'stop when the smoothed loss exceeds x times its best', numberIn('--divergence', { min: 1, minExclusive: true }), LR_FIND_DEFAULTS.divergence)
    .option('--skip-start <n>', 'points left out of the suggestion at the start (the average is settling)', nonNegativeInt('--skip-start'), LR_FIND_DEFAULTS.skipStart)
    .option('--skip-end <n>', 'points left out of the suggestion at the end', nonNegativeInt('--skip-end'), LR_FIND_DEFAULTS.skipEnd);
  addDataRecipeOptions(command)
    .option('--threads <n>', 'native compute threads (default: one per core)', positiveInt('--threads', LIMITS.threads))
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .option('--out <dir>', 'lr-find.json and lr-find.svg go here', outputDir('--out'), 'runs/lr-find')
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
