/** `quadra train`: flags → TrainConfig, then train() (in a child process) with a progress bar or JSON lines; Ctrl-C stops cleanly. */
import { ArgumentError, distributed } from '@quadranet/core';
import { setThreads } from '@quadranet/lib';
import { basename } from 'node:path';
import { CONFIG_FLAGS, readArchitecture, RESUMABLE, train, TRAIN_DEFAULTS, TrainingDivergedError, TrainingInterruptedError, type StemName, type TrainConfig } from '@quadranet/models';
import type { Command } from 'commander';
import { DEVICE_FLAG, DEVICE_HELP, deviceFromFlag } from '../device-option.js';
import { trainProgress } from '../train-progress.js';
import { LIMITS, nonNegativeInt, nonNegativeNumber, numberIn, outputDir, positiveInt, positiveNumber } from '../arg-parsers.js';
import { addModelOptions, type ModelDataFlags } from '../model-data-options.js';
import { argvHas, errorObject } from '../report-error.js';
import { isTrainChild, parentInterrupt, superviseTraining } from '../train-supervisor.js';
import { addDataRecipeOptions, addEvalRecipeOptions, recipeFromFlags, type RecipeFlags } from '../recipe-options.js';

/** The options commander hands the action (names are the flags in camelCase). */
interface TrainFlags extends RecipeFlags, ModelDataFlags {
  epochs: number; lr: number; warmup: number;
  cropPad: number; limit: number; workers: number; valSplit: number; patience: number; skipNonfinite: number; checkpointEvery: number;
  threads?: number; device?: string; out: string; resume?: boolean | string; json?: boolean;
  nproc: number; distTimeout: number; bucketMb: number;
}

const RESUME_HELP = `
Resuming: --resume continues the run in --out from checkpoint.safetensors with the configuration it
was trained with; a flag given with a different value is an error naming both values. Only
${RESUMABLE.map((k) => CONFIG_FLAGS[k]).join(', ')}, --threads, --device and --json may change;
raising --epochs extends a run (finished or not) and recomputes the learning-rate schedule for the
new length. --resume without a checkpoint is an error; --resume auto starts a new run then.

Ctrl-C stops after the current step, writes metrics.json, metrics.csv and curves.svg for the
completed epochs, keeps the last checkpoint and exits 130 (press it twice to quit at once).

Data-parallel: --nproc N trains with N processes on this machine (each cores/N threads unless
--threads is given); the same command started by torchrun, mpirun or srun on several machines joins
their ranks (RANK/WORLD_SIZE/LOCAL_RANK/MASTER_ADDR/MASTER_PORT, or the MPI launcher's and Slurm's own
variables; MASTER_ADDR is rank 0's host). --batch-size is the global batch, split among the ranks;
each rank reads its share of every batch (disjoint, covering the set every epoch); gradients are summed
over Gloo in buckets during the backward; rank 0 writes the checkpoint, metrics and output, and
--resume continues with any number of processes. A rank that dies or stops answering makes the others
fail within --dist-timeout seconds with one line naming the rank and the cause.

Crash safety: every file is written to a temporary file, fsynced and renamed, so a run killed at any
point (power loss, SIGKILL, out of memory) leaves the previous checkpoint or the new one, never a
mix; --resume continues from it, exactly as the uninterrupted run would have (with
--checkpoint-every N, from the step it was written at) and removes the temporary files of a write
that did not finish. A full disk or a read-only --out stops the run with one line naming the file
and the cause; the previous checkpoint is left as it was.
`;

export function addTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description('train a zoo model on Fashion-MNIST (Debian dataset-fashion-mnist) or synthetic data');
  addModelOptions(command, 'zoo name, e.g. quadranet25_xxs, convnext25_xxs (required unless resuming)')
    .option('--epochs <n>', 'epochs', positiveInt('--epochs', LIMITS.epochs), TRAIN_DEFAULTS.epochs)
    .option('--lr <x>', 'peak learning rate (AdamW)', positiveNumber('--lr'), TRAIN_DEFAULTS.lr)
    .option('--warmup <epochs>', 'linear warm-up length in epochs, then cosine decay', nonNegativeNumber('--warmup'), TRAIN_DEFAULTS.warmup)
    .option('--val-split <x>', 'hold out this fraction of the training images for validation (chosen by --seed); best.safetensors keeps the best epoch', numberIn('--val-split', { min: 0, max: 1, maxExclusive: true }), TRAIN_DEFAULTS.valSplit)
    .option('--patience <n>', 'stop after n epochs without a better validation accuracy (0: never; needs --val-split)', nonNegativeInt('--patience'), TRAIN_DEFAULTS.patience)
    .option('--skip-nonfinite <n>', 'skip up to n steps with a NaN/infinite loss or gradient norm (0: stop at the first)', nonNegativeInt('--skip-nonfinite'), TRAIN_DEFAULTS.skipNonfinite)
    .option('--checkpoint-every <steps>', 'also write the checkpoint every n steps, mid-epoch, so a killed run loses at most n steps (0: after each epoch only)', nonNegativeInt('--checkpoint-every'), TRAIN_DEFAULTS.checkpointEvery);
  addEvalRecipeOptions(addDataRecipeOptions(command))
    .option('--threads <n>', 'native compute threads (default: one per core; with --nproc, cores / N)', positiveInt('--threads', LIMITS.threads))
    .option('--nproc <n>', 'train data-parallel with n processes on this machine (see below)', positiveInt('--nproc', LIMITS.nproc), 1)
    .option('--dist-timeout <s>', 'data-parallel: seconds to wait for the other ranks to join and for each collective', positiveNumber('--dist-timeout'), 120)
    .option('--bucket-mb <x>', 'data-parallel: gradient bucket size in MB', positiveNumber('--bucket-mb'), 1)
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .option('--out <dir>', 'checkpoint, metrics.json, metrics.csv and curves.svg go here', outputDir('--out'), 'runs/latest')
    .option('--resume [auto]', 'continue the run in --out (an error without a checkpoint); auto: continue it or start a new one')
    .option('--json', 'one JSON line per step and per epoch instead of a progress bar')
    .addHelpText('after', RESUME_HELP)
    .action(async (o: TrainFlags, cmd: Command) => {
      // the training runs in a child process that Ctrl-C never signals (see train-supervisor.ts)
      if (!isTrainChild()) {
        if (o.nproc > 1 && process.env.WORLD_SIZE !== undefined) {
          throw new ArgumentError(`--nproc ${o.nproc} starts its own processes, but this one already belongs to a launched run (WORLD_SIZE=${process.env.WORLD_SIZE}): leave --nproc out under torchrun, mpirun or srun`);
        }
        if (o.distTimeout > LIMITS.distTimeout) throw new ArgumentError(`--dist-timeout must be at most ${LIMITS.distTimeout} seconds, got ${o.distTimeout}`);
        process.exitCode = await superviseTraining(o.nproc, o.threads !== undefined);
        return;
      }
      const device = deviceFromFlag(o.device);
      if (o.resume !== undefined && o.resume !== true && o.resume !== 'auto') throw new ArgumentError(`--resume takes no value or 'auto', got ${JSON.stringify(o.resume)}`);
      if (o.model !== undefined && o.arch !== undefined) throw new ArgumentError('give --model (a zoo name) or --arch (an architecture file), not both');
      if (o.model === undefined && o.arch === undefined && o.resume === undefined) throw new ArgumentError('--model is required (a zoo name such as quadranet25_xxs), or --arch FILE, unless --resume continues a run');
      if (o.arch !== undefined && cmd.getOptionValueSource('stem') === 'cli') throw new ArgumentError('--arch gives the stem too: drop --stem');
      const arch = o.arch !== undefined ? readArchitecture(o.arch) : undefined;
      if (o.threads !== undefined) setThreads(o.threads);
      const config: TrainConfig = {
        model: o.model ?? (o.arch !== undefined ? basename(o.arch).replace(/\.json$/, '') : ''), ...(arch ? { arch } : {}), dataset: o.dataset as TrainConfig['dataset'], dataDir: o.dataDir,
        epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, weightDecay: o.weightDecay,
        warmup: o.warmup, labelSmoothing: o.labelSmoothing, dropPath: o.dropPath,
        clipGrad: o.clipGrad, seed: o.seed, stem: o.stem as StemName,
        kernelSize: o.kernelSize, depths: o.depths, width: o.width, cropPad: o.cropPad, workers: o.workers, limit: o.limit,
        valSplit: o.valSplit, patience: o.patience, skipNonfinite: o.skipNonfinite, checkpointEvery: o.checkpointEvery, ...recipeFromFlags(o),
      };
      // on resume only the flags given are checked against the checkpoint (defaults are not choices)
      const explicit = (Object.keys(CONFIG_FLAGS) as (keyof TrainConfig)[]).filter((k) => cmd.getOptionValueSource(k) === 'cli');
      const json = o.json === true;
      const signal = parentInterrupt();
      const launch = distributed.launchEnv();
      if (launch.worldSize > 1 && device !== 'cpu') throw new ArgumentError(`--device ${device}: data-parallel training runs on cpu (Gloo); the NCCL path for cuda is not available yet`);
      const group = launch.worldSize > 1 ? await distributed.initProcessGroup({ timeoutMs: Math.round(o.distTimeout * 1000) }) : undefined;
      if (group && group.rank !== 0) {
        // only rank 0 reports; the others print nothing but their own error
        console.log = () => undefined;
      }
      try {
        const r = await train(config, o.out, o.resume ?? false, trainProgress(config, device, json), { device, signal, explicit, group, bucketMb: o.bucketMb });
        const f = r.final;
        const early = r.end.reason === 'early-stop' ? `stopped early: no better validation accuracy for ${r.end.patience} epoch${r.end.patience === 1 ? "" : "s"}; ` : '';
        if (json) console.log(JSON.stringify({ event: 'done', end: r.end.reason, test_acc: f.test_acc, checkpoint: r.checkpoint, ...(r.best ? { best_epoch: r.best.epoch.epoch, best_val_acc: r.best.epoch.val_acc, best_checkpoint: r.best.checkpoint } : {}) }));
        else {
          console.log(`${early}test accuracy ${(100 * f.test_acc).toFixed(2)}% after ${f.epoch} epoch${f.epoch === 1 ? '' : 's'}; checkpoint ${r.checkpoint}`);
          if (r.best) console.log(`best validation accuracy ${(100 * r.best.epoch.val_acc!).toFixed(2)}% at epoch ${r.best.epoch.epoch} (test ${(100 * r.best.epoch.test_acc).toFixed(2)}%); checkpoint ${r.best.checkpoint}`);
        }
      } catch (err) {
        if (err instanceof TrainingDivergedError && json) {
          // the last JSON line is both the event and the error object of every failing --json command
          console.log(JSON.stringify({ event: 'diverged', message: err.message, ...err.at, ...errorObject(err, argvHas(process.argv, '--verbose')) }));
          process.exitCode = 1;
          return;
        }
        if (!(err instanceof TrainingInterruptedError)) throw err;
        if (json) console.log(JSON.stringify({ event: 'interrupted', message: err.message, ...err.at }));
        else console.error(err.message);
        process.exitCode = 130;
      } finally {
        group?.destroy();
      }
    });
}
