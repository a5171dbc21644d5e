/**
 * `quadra profile`: the latency table of a search space measured on this machine (every candidate
 * at every layer's input shape, plus stem, downsamples and head), written atomically to --out.
 * Optionally extra random ops for the predictor, a stability check against an earlier table, and
 * an end-to-end check of the table sum and the predictor on random architectures.
 */
import { setThreads } from '@quadranet/lib';
import {
  checkLut, compareLuts, currentFingerprint, evaluateLatencyModels, LatencyPredictor, loadLut, predictorSampleOps, profileOps, allOps, saveLut, spaceLatencyQuantiles,
  type LatencyTable, type LutEntry,
} from '@quadranet/nas';
import { ArgumentError, writeFileAtomic } from '@quadranet/core';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { deviceFromFlag } from '../device-option.js';
import { inputFile, LIMITS, nonNegativeInt, nonNegativeNumber, oneOf, outputFile, positiveInt, positiveNumber } from '../arg-parsers.js';
import { SPACE_HELP, spaceFromFlag } from '../nas-space-option.js';

interface ProfileFlags {
  device?: string; threads?: number; space?: string; out: string; mode: string;
  warmup: number; minRuns: number; maxRuns: number; spread: number; maxSeconds: number; minSampleMs: number;
  predictorSamples: number; compare?: string; evaluate: number; seed: number; json?: boolean;
}

/** `lut.json` → `lut.evaluation.json`. */
export const evaluationPath = (out: string) => `${out.replace(/\.json$/, '')}.evaluation.json`;

export function addProfileCommand(program: Command): void {
  program
    .command('profile')
    .description('measure the latency table (LUT) of a search space on this device: every candidate block at every layer shape, plus stem, downsamples and head')
    .option('--device <name>', 'cpu | cuda: where the ops run', 'cpu')
    .option('--threads <n>', 'native compute threads (default: one per core)', positiveInt('--threads', LIMITS.threads))
    .option('--space <file|name>', SPACE_HELP)
    .requiredOption('--out <file>', 'the table (JSON), written atomically', outputFile('--out'))
    .option('--mode <mode>', 'forward (eval, no tape) | train (forward + backward)', oneOf('--mode', ['forward', 'train']), 'forward')
    .option('--warmup <n>', 'untimed runs per op (they also size the samples: --min-sample-ms)', nonNegativeInt('--warmup', LIMITS.runs), 10)
    .option('--min-runs <n>', 'timed runs per op at least', positiveInt('--min-runs', LIMITS.runs), 10)
    .option('--max-runs <n>', 'timed runs per op at most', positiveInt('--max-runs', LIMITS.runs), 200)
    .option('--spread <x>', 'stop once (p90 - p10) / median is at most this', nonNegativeNumber('--spread'), 0.05)
    .option('--min-sample-ms <ms>', 'a timed sample averages back-to-back runs until it takes this long', nonNegativeNumber('--min-sample-ms'), 1)
    .option('--max-seconds <s>', 'stop timing an op after this long even if the spread is larger', positiveNumber('--max-seconds'), 2)
    .option('--predictor-samples <n>', 'also measure n random ops around the space (other widths and resolutions) for the predictor', nonNegativeInt('--predictor-samples', LIMITS.runs), 0)
    .option('--compare <file>', 'an earlier table of the same space: report the share of entries within 5 %', inputFile('--compare'))
    .option('--evaluate <n>', 'measure n random architectures end to end and report the table sum and the predictor against them', nonNegativeInt('--evaluate', LIMITS.runs), 0)
    .option('--seed <n>', 'seed of the random ops and architectures', nonNegativeInt('--seed'), 0)
    .option('--json', 'one JSON line per op and a summary line instead of a progress bar')
    .action((o: ProfileFlags) => {
      const device = deviceFromFlag(o.device);
      if (o.maxRuns < o.minRuns) throw new ArgumentError(`--max-runs ${o.maxRuns} is below --min-runs ${o.minRuns}`);
      if (o.threads !== undefined) setThreads(o.threads);
      const space = spaceFromFlag(o.space);
      const ops = [...allOps(space).filter((op) => op.kind !== 'skip'), ...predictorSampleOps(space, o.predictorSamples, o.seed)];
      const json = o.json === true;
      // read before profiling: --compare may name the file --out overwrites
      const earlier = o.compare ? loadLut(o.compare) : null;
      const bar = json ? null : new cliProgress.SingleBar({ format: 'profile |{bar}| {value}/{total} {key} {ms} ms', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
      bar?.start(ops.length, 0, { key: '', ms: '-' });
      const onEntry = (done: number, _total: number, key: string, e: LutEntry) => {
        if (json) console.log(JSON.stringify({ event: 'entry', key, median: e.median, p10: e.p10, p90: e.p90, n: e.n }));
        else bar!.update(done, { key, ms: e.median.toFixed(3) });
      };
      let lut: LatencyTable;
      try {
        lut = profileOps(ops, space.name, space.batch, {
          device, mode: o.mode as 'forward' | 'train', onEntry,
          measure: { warmup: o.warmup, minRuns: o.minRuns, maxRuns: o.maxRuns, spread: o.spread, maxSeconds: o.maxSeconds, minSampleMs: o.minSampleMs },
        });
      } finally {
        bar?.stop();
      }
      saveLut(o.out, lut);
      const entries = Object.values(lut.entries);
      const spreadOk = entries.filter((e) => (e.p90 - e.p10) / e.median <= o.spread).length;
      const summary: Record<string, unknown> = { event: 'done', out: o.out, entries: entries.length, withinSpread: spreadOk, fingerprint: lut.fingerprint };
      const budgets = spaceLatencyQuantiles(space, lut, { seed: o.seed });
      summary.spaceLatency = budgets;
      if (!json) console.log(`${o.out}: ${entries.length} ops of '${space.name}' at batch ${space.batch} on ${device} (${lut.fingerprint.cpuModel}, ${lut.fingerprint.simd}, ${lut.fingerprint.threads} threads); ${spreadOk} settled within a spread of ${o.spread}`);
      if (!json) console.log(`table sums of 1000 random architectures: ${budgets.map((b) => `p${Math.round(100 * b.q)} ${b.ms.toFixed(3)} ms`).join(', ')} (budgets for --latency-ms)`);
      if (o.compare && earlier) {
        const other = earlier;
        const w = checkLut(other, space, o.compare, { here: currentFingerprint(device) }).warnings;
        for (const m of w) console.error(`warning: ${m}`);
        const c = compareLuts(other, lut, 0.05);
        summary.compare = c;
        if (!json) console.log(`against ${o.compare}: ${c.within} of ${c.compared} entries within 5 % (${(100 * c.share).toFixed(1)} %)${c.worst ? `; worst ${c.worst.key} at ${c.worst.ratio.toFixed(3)}×` : ''}`);
      }
      if (o.evaluate > 0) {
        const fitted = LatencyPredictor.fromLut(lut, { seed: o.seed + 1 });
        const lacking = (['stem', 'downsample', 'block', 'head'] as const).filter((k) => !fitted.kinds.includes(k));
        if (lacking.length) {
          const m = `the predictor is not evaluated: too few measured ${lacking.join(', ')} ops to fit it (${lacking.map((k) => fitted.samples[k] ?? 0).join(', ')}); raise --predictor-samples (e.g. 300)`;
          if (json) console.log(JSON.stringify({ event: 'warning', message: m }));
          else console.error(`warning: ${m}`);
        }
        const predictor = lacking.length ? undefined : fitted;
        const ev = evaluateLatencyModels(space, lut, {
          n: o.evaluate, seed: o.seed, predictor, device,
          measure: { warmup: o.warmup, minRuns: o.minRuns, maxRuns: o.maxRuns, spread: o.spread, maxSeconds: o.maxSeconds, minSampleMs: o.minSampleMs },
          onSample: (i, s) => {
            if (json) console.log(JSON.stringify({ event: 'architecture', i, choices: s.choices, measured: s.measured.median, lutSum: s.lutSum, predicted: s.predicted }));
            else process.stderr.write(`\rarchitecture ${i}/${o.evaluate}`);
          },
        });
        if (!json) process.stderr.write('\n');
        writeFileAtomic(evaluationPath(o.out), JSON.stringify(ev, null, 1) + '\n');
        summary.evaluation = { table: ev.lut, predictor: ev.predictor, file: evaluationPath(o.out) };
        if (!json) {
          const line = (name: string, q: typeof ev.lut) => `${name}: ${(100 * q.withinShare).toFixed(1)} % within ±10 %, RMSPE ${q.rmspe.toFixed(1)} %, mean ratio ${q.meanRatio.toFixed(3)}`;
          console.log(`${o.evaluate} random architectures measured end to end (${evaluationPath(o.out)})`);
          console.log(`  ${line('table sum', ev.lut)}`);
          if (ev.predictor) console.log(`  ${line('predictor', ev.predictor)}`);
        }
      }
      if (json) console.log(JSON.stringify(summary));
    });
}
