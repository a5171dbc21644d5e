/** Learning-rate schedule: linear warm-up then cosine decay, per step. */
import { ArgumentError, checkOptionKeys, optionKeys } from '../errors.js';
import type { Optimizer } from './optimizer.js';

export interface WarmupCosineOptions {
  baseLr: number;
  totalSteps: number;
  warmupSteps?: number;
  /** Learning rate at step 0 of the warm-up. */
  warmupStartLr?: number;
  minLr?: number;
}

const KEYS = optionKeys<WarmupCosineOptions>()('baseLr', 'totalSteps', 'warmupSteps', 'warmupStartLr', 'minLr');

export class WarmupCosine {
  readonly o: Required<WarmupCosineOptions>;
  constructor(opts: WarmupCosineOptions) {
    checkOptionKeys('WarmupCosine', opts, KEYS);
    this.o = { warmupSteps: 0, warmupStartLr: 0, minLr: 0, ...opts };
    if (!(this.o.totalSteps > 0) || this.o.warmupSteps < 0 || this.o.warmupSteps > this.o.totalSteps) {
      throw new ArgumentError(`WarmupCosine: need totalSteps > 0 and 0 <= warmupSteps <= totalSteps, got ${this.o.totalSteps}, ${this.o.warmupSteps}`);
    }
  }

  /** Learning rate for a 0-based step. */
  lrAt(step: number): number {
    const { baseLr, totalSteps, warmupSteps, warmupStartLr, minLr } = this.o;
    if (step < warmupSteps) return warmupStartLr + ((baseLr - warmupStartLr) * step) / warmupSteps;
    const t = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * t));
  }

  /** Sets the optimizer's lr for `step` and returns it. */
  apply(opt: Optimizer, step: number): number {
    opt.lr = this.lrAt(step);
    return opt.lr;
  }
}
