/** `quadra train` and `quadra eval`: flags → TrainConfig, a progress bar or JSON lines. */
import { setThreads } from '@quadranet/lib';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { BatchLoader } from '../data/loader.js';
import { DEVICE_FLAG, DEVICE_HELP, deviceFromFlag } from './device-option.js';
import { loadCheckpoint, readCheckpointState } from '../train/checkpoint.js';
import { buildModel, checkConfig, DEFAULTS, type TrainConfig } from '../train/config.js';
import { evaluate, loadDataset, train } from '../train/trainer.js';

const num = (v: string) => Number(v);

function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`;
}

export function addTrainCommands(program: Command): void {
  program
    .command('train')
    .description('train a zoo model on Fashion-MNIST (Debian dataset-fashion-mnist) or synthetic data')
    .requiredOption('--model <name>', 'zoo name, e.g. quadranet25_xxs, convnext25_xxs')
    .option('--dataset <name>', 'fashion-mnist | synthetic', 'fashion-mnist')
    .option('--data-dir <dir>', 'IDX files (default /usr/share/datasets/fashion-mnist)')
    .option('--epochs <n>', 'epochs', num, DEFAULTS.epochs)
    .option('--batch-size <n>', 'batch size', num, DEFAULTS.batchSize)
    .option('--lr <x>', 'peak learning rate (AdamW)', num, DEFAULTS.lr)
    .option('--weight-decay <x>', 'decoupled weight decay (not on 1-D parameters)', num, DEFAULTS.weightDecay)
    .option('--warmup <epochs>', 'linear warm-up length in epochs, then cosine decay', num, DEFAULTS.warmup)
    .option('--label-smoothing <x>', 'label smoothing', num, DEFAULTS.labelSmoothing)
    .option('--drop-path <x>', 'stochastic depth rate (rises linearly over blocks)', num, DEFAULTS.dropPath)
    .option('--clip-grad <x>', 'max gradient norm (0: off)', num, DEFAULTS.clipGrad)
    .option('--seed <n>', 'seed for init, shuffling, augmentation and drop path', num, DEFAULTS.seed)
    .option('--stem <kind>', 'small (3x3/1) | patch2 (2x2/2) | patch4 (4x4/4)', DEFAULTS.stem)
    .option('--kernel-size <k>', 'depthwise kernel size for every stage (default 7)', num)
    .option('--depths <list>', "override the model's depths (1-4 stages, widths C, 2C, ...), e.g. 2,2,6,2", (v: string) => v.split(',').map(Number))
    .option('--width <C>', "override the model's base width C (stages C, 2C, 4C, 8C)", num)
    .option('--crop-pad <px>', 'random-crop padding', num, DEFAULTS.cropPad)
    .option('--limit <n>', 'use only the first n training images (0: all)', num, DEFAULTS.limit)
    .option('--workers <n>', 'batch-preparation worker threads (0: main thread)', num, DEFAULTS.workers)
    .option('--threads <n>', 'native compute threads (default: one per core)', num)
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .option('--out <dir>', 'checkpoint, metrics.json and curves.svg go here', 'runs/latest')
    .option('--resume', 'continue from <out>/checkpoint.safetensors (its configuration wins)')
    .option('--json', 'one JSON line per step and per epoch instead of a progress bar')
    .action(async (o: Record<string, unknown>) => {
      const device = deviceFromFlag(o.device);
      if (o.threads !== undefined) setThreads(o.threads as number);
      const config = checkConfig({
        model: o.model as string, dataset: o.dataset as TrainConfig['dataset'], dataDir: o.dataDir as string | undefined,
        epochs: o.epochs as number, batchSize: o.batchSize as number, lr: o.lr as number, weightDecay: o.weightDecay as number,
        warmup: o.warmup as number, labelSmoothing: o.labelSmoothing as number, dropPath: o.dropPath as number,
        clipGrad: o.clipGrad as number, seed: o.seed as number, stem: o.stem as TrainConfig['stem'],
        kernelSize: o.kernelSize as number | undefined, depths: o.depths as number[] | undefined, width: o.width as number | undefined, cropPad: o.cropPad as number, workers: o.workers as number, limit: o.limit as number,
      });
      const json = o.json === true;
      let bar: cliProgress.SingleBar | null = null;
      let epochs = config.epochs;
      const result = await train(config, o.out as string, o.resume === true, {
        onStart(i) {
          if (json) console.log(JSON.stringify({ event: 'start', ...i }));
          else console.log(`${config.model} on ${device}: ${(i.params / 1e6).toFixed(3)} M parameters, ${i.trainSize} training / ${i.testSize} test images, ${i.stepsPerEpoch} steps per epoch${i.startEpoch ? `, resuming after epoch ${i.startEpoch}` : ''}`);
        },
        onStep(s) {
          if (json) {
            console.log(JSON.stringify({ event: 'step', ...s }));
            return;
          }
          if (!bar) {
            bar = new cliProgress.SingleBar({
              format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} loss {loss} acc {acc} {ips} img/s ETA {etaText}',
              hideCursor: true, clearOnComplete: false,
            }, cliProgress.Presets.shades_classic);
            bar.start(s.stepsPerEpoch, 0, { epoch: s.epoch, epochs });
          }
          const left = (s.stepsPerEpoch - s.stepInEpoch) * (s.stepInEpoch ? 1 : 0);
          const perStep = s.imagesPerSecond > 0 ? config.batchSize / s.imagesPerSecond : NaN;
          bar.update(s.stepInEpoch, {
            epoch: s.epoch, epochs, loss: s.loss.toFixed(4), acc: (100 * s.acc).toFixed(1) + '%', ips: s.imagesPerSecond.toFixed(0), etaText: eta(left * perStep),
          });
        },
        onEpoch(m) {
          if (json) {
            console.log(JSON.stringify({ event: 'epoch', ...m }));
            return;
          }
          (bar as cliProgress.SingleBar | null)?.stop();
          bar = null;
          console.log(`epoch ${m.epoch}: train loss ${m.train_loss.toFixed(4)} acc ${(100 * m.train_acc).toFixed(2)}%, test loss ${m.test_loss.toFixed(4)} acc ${(100 * m.test_acc).toFixed(2)}%, ${m.images_per_s.toFixed(0)} img/s, ${m.seconds.toFixed(1)} s`);
        },
      }, { device });
      epochs = result.history.length;
      const f = result.final;
      if (json) console.log(JSON.stringify({ event: 'done', test_acc: f.test_acc, checkpoint: result.checkpoint }));
      else console.log(`test accuracy ${(100 * f.test_acc).toFixed(2)}% after ${f.epoch} epochs; checkpoint ${result.checkpoint}`);
    });

  program
    .command('eval')
    .description('test accuracy of a checkpoint written by `quadra train`')
    .requiredOption('--checkpoint <file>', 'checkpoint.safetensors')
    .option('--data-dir <dir>', 'IDX files (default: as recorded in the checkpoint)')
    .option(DEVICE_FLAG, DEVICE_HELP, 'cpu')
    .option('--json', 'print one JSON object')
    .action(async (o: { checkpoint: string; dataDir?: string; json?: boolean; device?: string }) => {
      const device = deviceFromFlag(o.device);
      const { state } = readCheckpointState<TrainConfig>(o.checkpoint);
      const config = checkConfig({ ...state.config, dataDir: o.dataDir ?? state.config.dataDir });
      const model = buildModel(config).to(device);
      loadCheckpoint(o.checkpoint, model, null);
      const data = loadDataset(config);
      const loader = new BatchLoader(data.test, { mean: data.mean, std: data.std }, 0);
      const { acc, loss } = await evaluate(model, loader, data.test.n, 500, [data.test.h, data.test.w, data.test.c]);
      await loader.close();
      if (o.json) console.log(JSON.stringify({ model: config.model, dataset: config.dataset, epoch: state.epoch, test_acc: acc, test_loss: loss }));
      else console.log(`${config.model} after ${state.epoch} epochs: test accuracy ${(100 * acc).toFixed(2)}% (loss ${loss.toFixed(4)}) on ${data.test.n} ${config.dataset} images`);
    });
}
