/**
 * The learning-rate range test (Smith 2017; fastai's lr_find): from a fresh model, train with the
 * run's recipe while the lr rises exponentially from minLr to maxLr over `steps` steps; track the
 * loss smoothed by a bias-corrected exponential average, stop early when it diverges (a non-finite
 * loss, or the smoothed loss above `divergence` × its best), and suggest the lr where the smoothed
 * loss falls fastest per decade (the steepest negative slope against log10 lr). Nothing is saved:
 * the weights are thrown away.
 */
import { ArgumentError, manualSeed, optim, requireDevice, type Device } from '@quadranet/core';
import { BatchLoader, permutation } from '../data/loader.js';
import { buildModel, checkConfig, type TrainConfig } from './config.js';
import { panel, type Series } from './curves.js';
import { erasingOf, inputSize, withRecipeDefaults } from './recipe-config.js';
import { mixTargets, paramGroups } from './recipe.js';
import { limited, loadDataset, lossAndGradients } from './trainer.js';

export interface LrFindOptions {
  minLr: number;
  maxLr: number;
  /** Steps of the ramp (the lr reaches maxLr at the last). */
  steps: number;
  /** Exponential-average weight of the previous smoothed loss (fastai 0.98). */
  smoothing: number;
  /** Stop when the smoothed loss exceeds this multiple of its best (fastai 4). */
  divergence: number;
  /** Points left out of the suggestion at the start (the average is still settling) and at the end (fastai v1: 10 and 5). */
  skipStart: number;
  skipEnd: number;
}

export const LR_FIND_DEFAULTS: LrFindOptions = { minLr: 1e-7, maxLr: 10, steps: 100, smoothing: 0.98, divergence: 4, skipStart: 10, skipEnd: 5 };

export interface LrFindResult {
  /** The lr of each step taken, its raw loss and the smoothed loss. */
  lrs: number[];
  losses: number[];
  smoothed: number[];
  /** The lr at the steepest descent of the smoothed loss (null with fewer than 3 usable points). */
  suggestedLr: number | null;
  /** 'diverged': stopped early (the last point is the one that diverged). */
  end: 'complete' | 'diverged';
  /** The configuration the test trained with, recipe defaults filled in, and its options. */
  config: TrainConfig;
  options: LrFindOptions;
}

export function checkLrFind(o: LrFindOptions): LrFindOptions {
  if (!(Number.isFinite(o.minLr) && o.minLr > 0)) throw new ArgumentError(`--min-lr must be a positive number, got ${o.minLr}`);
  if (!(Number.isFinite(o.maxLr) && o.maxLr > o.minLr)) throw new ArgumentError(`--max-lr must be a number above --min-lr ${o.minLr}, got ${o.maxLr}`);
  if (!Number.isInteger(o.steps) || o.steps < 2) throw new ArgumentError(`--steps must be an integer >= 2, got ${o.steps}`);
  if (!(o.smoothing >= 0 && o.smoothing < 1)) throw new ArgumentError(`--smoothing must be in [0, 1), got ${o.smoothing}`);
  if (!(o.divergence > 1)) throw new ArgumentError(`--divergence must be a number above 1, got ${o.divergence}`);
  for (const [flag, v] of [['--skip-start', o.skipStart], ['--skip-end', o.skipEnd]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`${flag} must be a non-negative integer, got ${v}`);
  }
  return o;
}

/** The lr of step i (0-based) of an exponential ramp from minLr to maxLr over `steps`. */
export const rampLr = (o: Pick<LrFindOptions, 'minLr' | 'maxLr' | 'steps'>, i: number): number => o.minLr * (o.maxLr / o.minLr) ** (i / (o.steps - 1));

/**
 * The lr at the steepest descent: the point where the smoothed loss has its most negative slope
 * against log10 lr (central differences inside, one-sided at the ends), among the points left after
 * dropping a diverged last point, then `skip.start` and `skip.end` points (each skip only when at
 * least 3 points remain). Null with fewer than 3 points or no descent at all.
 */
export function suggestLr(lrs: readonly number[], smoothed: readonly number[], diverged: boolean, skip: { start: number; end: number } = { start: 0, end: 0 }): number | null {
  let lo = 0;
  let hi = diverged ? lrs.length - 1 : lrs.length;
  if (hi - lo - skip.start >= 3) lo += skip.start;
  if (hi - lo - skip.end >= 3) hi -= skip.end;
  if (hi - lo < 3) return null;
  const x = lrs.map(Math.log10);
  let best = -1;
  let bestSlope = 0;
  for (let i = lo; i < hi; i++) {
    const a = Math.max(lo, i - 1);
    const b = Math.min(hi - 1, i + 1);
    const slope = (smoothed[b] - smoothed[a]) / (x[b] - x[a]);
    if (Number.isFinite(slope) && slope < bestSlope) {
      bestSlope = slope;
      best = i;
    }
  }
  return best < 0 ? null : lrs[best];
}

export interface LrFindHooks {
  onStep?(s: { step: number; steps: number; lr: number; loss: number; smoothed: number }): void;
}

export async function lrFind(config: TrainConfig, options: Partial<LrFindOptions> = {}, hooks: LrFindHooks = {}, run: { device?: Device } = {}): Promise<LrFindResult> {
  const device = run.device ?? 'cpu';
  requireDevice(device);
  const o = checkLrFind({ ...LR_FIND_DEFAULTS, ...options });
  const c = checkConfig(config);
  const recipe = withRecipeDefaults(c);
  manualSeed(c.seed);
  const data = loadDataset(c);
  const set = limited(data.train, c.limit);
  const model = buildModel(c, set.c, set.classes).to(device);
  const opt = new optim.AdamW(paramGroups(c, model), { lr: o.minLr, weightDecay: c.weightDecay, noDecay1d: true });
  const size = inputSize(c, set);
  const loader = new BatchLoader(set, { mean: data.mean, std: data.std }, c.workers, size);
  const shape = [...size, set.c] as const;
  const lrs: number[] = [];
  const losses: number[] = [];
  const smoothed: number[] = [];
  let end: LrFindResult['end'] = 'complete';
  let avg = 0;
  let best = Infinity;
  try {
    model.train();
    for (let pass = 0; lrs.length < o.steps && end === 'complete'; pass++) {
      const order = permutation(set.n, (c.seed * 7919 + pass + 1) >>> 0);
      let index = 0;
      for await (const b of loader.epoch(order, { batchSize: c.batchSize, seed: (c.seed * 104729 + pass * 65537) >>> 0, pad: c.cropPad, flip: data.flip, erase: erasingOf(recipe) })) {
        const i = lrs.length;
        if (i >= o.steps) break;
        opt.lr = rampLr(o, i);
        const targets = mixTargets(c, b.x, b.labels, shape, set.classes, (c.seed * 31 + pass * 1000003 + index++) >>> 0);
        const lv = lossAndGradients(model, c, b, shape, targets, device).loss;
        opt.step();
        opt.zeroGrad();
        avg = o.smoothing * avg + (1 - o.smoothing) * lv;
        const sm = avg / (1 - o.smoothing ** (i + 1));
        lrs.push(opt.lr);
        losses.push(lv);
        smoothed.push(sm);
        hooks.onStep?.({ step: i + 1, steps: o.steps, lr: opt.lr, loss: lv, smoothed: sm });
        if (!Number.isFinite(sm) || sm > o.divergence * best) {
          end = 'diverged';
          break;
        }
        best = Math.min(best, sm);
      }
    }
  } finally {
    await loader.close();
    model.dispose();
    opt.dispose();
  }
  return { lrs, losses, smoothed, suggestedLr: suggestLr(lrs, smoothed, end === 'diverged', { start: o.skipStart, end: o.skipEnd }), end, config: c, options: o };
}

const exp10 = (x: number) => {
  const e = Math.floor(x + 1e-9);
  const m = 10 ** (x - e);
  return Math.abs(m - 1) < 1e-6 ? `1e${e}` : `${m.toFixed(1)}e${e}`;
};

/** The test as an SVG: raw and smoothed loss against log10 lr, the suggested lr marked. */
export function lrFindSvg(r: LrFindResult, title: string): string {
  const x = r.lrs.map(Math.log10);
  const keep = (v: number) => (Number.isFinite(v) ? v : undefined);
  // raw losses far above the smoothed curve (the diverging tail) would flatten the plot
  const top = 1.5 * Math.max(...r.smoothed.filter(Number.isFinite));
  const series: Series[] = [
    { name: 'loss', color: '#bbbbbb', values: r.losses.map((v) => (v <= top ? v : undefined)) },
    { name: 'smoothed', color: '#1f77b4', values: r.smoothed.map(keep) },
    { name: 'suggested', color: '#d62728', values: r.lrs.map((lr, i) => (lr === r.suggestedLr ? keep(r.smoothed[i]) : undefined)) },
  ];
  const note = r.suggestedLr === null ? 'no suggestion' : `suggested lr ${r.suggestedLr.toExponential(2)}`;
  const body = panel(0, `${title}: lr range test (${note})`, series, x, { label: 'learning rate (log scale)', format: (v) => exp10(v) });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="430" height="260" font-family="sans-serif">\n${body}\n</svg>\n`;
}
