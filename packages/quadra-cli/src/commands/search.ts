/**
 * `quadra search`: ProxylessNAS-style supernet search over a space under a latency budget, with the
 * latency from a table measured on this device (profiled first when --lut is omitted). Writes
 * DIR/arch.json (for `quadra train --arch`), DIR/report.json, DIR/search.safetensors (the
 * checkpoint --resume continues) and, over budget, DIR/arch-within-budget.json.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '@quadranet/core';
import { setThreads } from '@quadranet/lib';
import { loadFashionMnist, syntheticDataset, type Dataset } from '@quadranet/models';
import {
  checkLut, currentFingerprint, deriveNetwork, loadLut, profileSpace, runSearch, saveLut, SEARCH_DEFAULTS, writeSearchOutputs,
  type DeriveRule, type LatencyLossKind, type LatencyTable, type SearchConfig, type SearchSpace,
} from '@quadranet/nas';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { deviceFromFlag } from '../device-option.js';
import { inputDir, inputFile, LIMITS, nonNegativeInt, numberIn, oneOf, outputDir, positiveInt, positiveNumber, nonNegativeNumber } from '../arg-parsers.js';
import { SPACE_HELP, spaceFromFlag } from '../nas-space-option.js';

interface SearchFlags {
  space?: string; lut?: string; latencyMs: number; dataset: string; dataDir?: string; epochs: number; warmupEpochs: number;
  batchSize: number; lr: number; weightDecay: number; alphaLr: number; alphaEvery: number; alphaSplit: number; limit: number; seed: number;
  loss: string; lossScale: number; lossBeta: number; lossLambda: number; device?: string; threads?: number; out: string;
  resume?: boolean; json?: boolean; measure: boolean; derive: string;
}

function loadData(o: SearchFlags, space: SearchSpace): Dataset {
  if (o.dataset === 'synthetic') return syntheticDataset(2048, 512, space.input.height, o.seed);
  return loadFashionMnist(o.dataDir);
}

const short = (choices: readonly string[]) => choices.join(' ');

export function addSearchCommand(program: Command): void {
  program
    .command('search')
    .description('hardware-aware architecture search (ProxylessNAS-style supernet) under a latency budget measured on this device')
    .option('--space <file|name>', SPACE_HELP)
    .option('--lut <file>', 'latency table of the space from `quadra profile` (default: profile it now, into DIR/lut.json)', inputFile('--lut'))
    .requiredOption('--latency-ms <T>', 'latency budget in ms (at the space\'s batch)', positiveNumber('--latency-ms'))
    .option('--dataset <name>', 'fashion-mnist | synthetic', oneOf('--dataset', ['fashion-mnist', 'synthetic']), 'fashion-mnist')
    .option('--data-dir <dir>', 'Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)', inputDir('--data-dir'))
    .option('--epochs <n>', 'epochs of the search (warm-up included)', positiveInt('--epochs', LIMITS.epochs), SEARCH_DEFAULTS.epochs)
    .option('--warmup-epochs <n>', 'epochs of weight training with uniformly sampled paths before any α step', nonNegativeInt('--warmup-epochs', LIMITS.epochs), SEARCH_DEFAULTS.warmupEpochs)
    .option('--batch-size <n>', 'images per step', positiveInt('--batch-size', LIMITS.batchSize), SEARCH_DEFAULTS.batchSize)
    .option('--lr <x>', 'weights: AdamW learning rate', positiveNumber('--lr'), SEARCH_DEFAULTS.lr)
    .option('--weight-decay <x>', 'weights: decoupled weight decay', nonNegativeNumber('--weight-decay'), SEARCH_DEFAULTS.weightDecay)
    .option('--alpha-lr <x>', 'α: Adam learning rate (betas 0, 0.999)', positiveNumber('--alpha-lr'), SEARCH_DEFAULTS.alphaLr)
    .option('--alpha-every <n>', 'one α step every n weight steps', positiveInt('--alpha-every'), SEARCH_DEFAULTS.alphaEvery)
    .option('--alpha-split <x>', 'fraction of the training images held out (class-balanced) for α', numberIn('--alpha-split', { min: 0, max: 1, minExclusive: true, maxExclusive: true }), SEARCH_DEFAULTS.alphaSplit)
    .option('--limit <n>', 'use only the first n training images (0: all)', nonNegativeInt('--limit'), SEARCH_DEFAULTS.limit)
    .option('--seed <n>', 'seed for init, path sampling, batches and the α split', nonNegativeInt('--seed'), SEARCH_DEFAULTS.seed)
    .option('--loss <form>', 'mul-log: CE·s·(log E[lat] / log T)^β | add-linear: CE + λ(E[lat] − T)/T | add-abs: CE + λ|E[lat] − T|/T', oneOf('--loss', ['mul-log', 'add-linear', 'add-abs']), SEARCH_DEFAULTS.loss)
    .option('--loss-scale <s>', 'mul-log: s', positiveNumber('--loss-scale'), SEARCH_DEFAULTS.scale)
    .option('--loss-beta <b>', 'mul-log: β', positiveNumber('--loss-beta'), SEARCH_DEFAULTS.beta)
    .option('--loss-lambda <l>', 'add-linear and add-abs: λ', positiveNumber('--loss-lambda'), SEARCH_DEFAULTS.lambda)
    .option('--device <name>', 'cpu | cuda: where the supernet trains and the derived network is measured', 'cpu')
    .option('--threads <n>', 'native compute threads (default: one per core)', positiveInt('--threads', LIMITS.threads))
    .option('--derive <rule>', 'argmax: the most probable candidate per layer (ProxylessNAS) | grouped: skip only when p(skip) >= the blocks\' total, else the most probable block', oneOf('--derive', ['argmax', 'grouped']), 'argmax')
    .option('--no-measure', 'do not measure the derived network end to end (report the table sum only)')
    .requiredOption('--out <dir>', 'arch.json, report.json and the checkpoint go here', outputDir('--out'))
    .option('--resume', 'continue the search checkpointed in --out (only --epochs may change)')
    .option('--json', 'one JSON line per step and per epoch instead of a progress bar')
    .action(async (o: SearchFlags) => {
      const device = deviceFromFlag(o.device);
      if (o.warmupEpochs >= o.epochs) throw new ArgumentError(`--warmup-epochs ${o.warmupEpochs} must be below --epochs ${o.epochs}, or α never trains`);
      if (o.threads !== undefined) setThreads(o.threads);
      const space = spaceFromFlag(o.space);
      mkdirSync(o.out, { recursive: true });
      const json = o.json === true;
      const say = (event: string, fields: Record<string, unknown>, text: string) => (json ? console.log(JSON.stringify({ event, ...fields })) : console.log(text));
      const warn = (m: string) => (json ? console.log(JSON.stringify({ event: 'warning', message: m })) : console.error(`warning: ${m}`));
      let lut: LatencyTable;
      let lutFile = o.lut;
      if (lutFile) {
        lut = loadLut(lutFile);
        for (const w of checkLut(lut, space, lutFile, { here: currentFingerprint(device) }).warnings) warn(w);
      } else {
        lutFile = join(o.out, 'lut.json');
        say('profile', { space: space.name, out: lutFile }, `no --lut: profiling '${space.name}' on ${device} into ${lutFile}`);
        lut = profileSpace(space, { device, measure: { warmup: 2, minRuns: 5, maxRuns: 50, maxSeconds: 0.5 } });
        saveLut(lutFile, lut);
        checkLut(lut, space, lutFile);
      }
      const config: SearchConfig = {
        targetMs: o.latencyMs, loss: o.loss as LatencyLossKind, scale: o.lossScale, beta: o.lossBeta, lambda: o.lossLambda, epochs: o.epochs,
        warmupEpochs: o.warmupEpochs, batchSize: o.batchSize, lr: o.lr, weightDecay: o.weightDecay, alphaLr: o.alphaLr, alphaEvery: o.alphaEvery,
        alphaSplit: o.alphaSplit, limit: o.limit, seed: o.seed, skipActiveNoGrad: true, derive: o.derive as DeriveRule,
      };
      if (config.warmupEpochs >= config.epochs) throw new ArgumentError(`--warmup-epochs ${config.warmupEpochs} must be below --epochs ${config.epochs}, or α never trains`);
      const data = loadData(o, space);
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      let bar: cliProgress.SingleBar | null = null;
      const out = await runSearch(config, {
        space, lut, lutFile, data, device, checkpoint: join(o.out, 'search.safetensors'), resume: o.resume === true, signal: controller.signal,
        hooks: {
          onStart: (i) => say('start', { ...i }, `supernet of '${space.name}' on ${device}: ${(i.params / 1e6).toFixed(3)} M parameters, ${i.layers} searchable layers, ${i.weightImages} images for weights / ${i.alphaImages} for α, ${i.stepsPerEpoch} steps per epoch${i.startEpoch ? `, resuming after epoch ${i.startEpoch}` : ''}; budget ${o.latencyMs} ms`),
          onStep: (s) => {
            if (json) {
              console.log(JSON.stringify({ event: 'step', ...s }));
              return;
            }
            if (!bar) {
              bar = new cliProgress.SingleBar({ format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} loss {loss} acc {acc} E[lat] {lat} ms [{arch}]', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
              bar.start(s.stepsPerEpoch, 0, { epoch: s.epoch, epochs: config.epochs, loss: '-', acc: '-', lat: '-', arch: '' });
            }
            bar.update(s.stepInEpoch, { epoch: s.epoch, epochs: config.epochs, loss: s.loss.toFixed(4), acc: `${(100 * s.acc).toFixed(1)}%`, lat: s.expectedMs.toFixed(3), arch: short(s.argmax) });
          },
          onEpoch: (e) => {
            (bar as cliProgress.SingleBar | null)?.stop();
            bar = null;
            say('epoch', { ...e }, `epoch ${e.epoch} (${e.phase}): train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAcc).toFixed(2)}%, argmax acc on the α split ${(100 * e.valAcc).toFixed(2)}%, E[lat] ${e.expectedMs.toFixed(3)} ms, argmax ${e.argmaxMs.toFixed(3)} ms [${short(e.argmax)}], ${e.seconds.toFixed(1)} s`);
          },
        },
      }).finally(() => {
        process.off('SIGINT', onSigint);
        (bar as cliProgress.SingleBar | null)?.stop();
      });
      if (!out.complete) {
        say('interrupted', { checkpoint: join(o.out, 'search.safetensors') }, `interrupted: the last completed epoch is in ${join(o.out, 'search.safetensors')}; continue with --resume`);
        process.exitCode = 130;
        return;
      }
      const derived = deriveNetwork(space, lut, config, out, { device, lutFile, measure: o.measure ? {} : false });
      const files = writeSearchOutputs(o.out, derived);
      const r = derived.report;
      const m = r.derived.measured;
      say('done', { arch: files.arch, report: files.report, choices: r.derived.choices, predictedMs: r.derived.predictedMs, measuredMs: m?.median ?? null, budgetMs: r.budgetMs, overBudget: r.overBudget, downgrade: r.downgrade, accuracy: r.accuracy },
        `derived [${short(r.derived.choices)}]: predicted ${r.derived.predictedMs.toFixed(3)} ms, measured ${m ? `${m.median.toFixed(3)} ms (p10 ${m.p10.toFixed(3)}, p90 ${m.p90.toFixed(3)}, n ${m.n})` : 'not measured (--no-measure)'}, budget ${r.budgetMs} ms; α-split accuracy ${(100 * r.accuracy.alphaSplit).toFixed(2)}%, test ${(100 * r.accuracy.test).toFixed(2)}% (supernet weights; retrain with \`quadra train --arch ${files.arch}\`)`);
      if (r.overBudget && r.downgrade) {
        const d = r.downgrade;
        const dm = d.measured ? `measured ${d.measured.median.toFixed(3)} ms` : `predicted ${d.predictedMs.toFixed(3)} ms`;
        warn(`the derived network is over the ${r.budgetMs} ms budget; the nearest cheaper choice [${short(d.choices)}] (${dm}${d.fits ? '' : ', still over: every layer is at its cheapest'}) is in ${files.downgrade}`);
      }
    });
}
