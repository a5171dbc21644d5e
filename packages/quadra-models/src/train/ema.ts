/**
 * Weight EMA with timm's ModelEmaV2/V3 semantics: a copy of the model whose weights follow
 * ema ← d·ema + (1 − d)·w after each optimizer step. Without warm-up d is the configured decay; with
 * warm-up (timm ModelEmaV3, gamma 1, power 2/3) d = min(decay, 1 − (1 + t)^(−2/3)) at update t
 * (1-based), so the average forgets its random initial weights within the first hundred steps.
 * The copy lives on the model's device; checkpoints hold it as `ema.<name>` tensors beside `model.<name>`.
 */
import { ArgumentError, nn, optim, type Tensor } from '@quadranet/core';

export interface EmaOptions {
  /** Decay per update (timm default 0.9998). */
  decay: number;
  /** Ramp the decay up from 0 over the first updates (timm ModelEmaV3's warm-up). */
  warmup: boolean;
}

export function checkEma(o: EmaOptions): void {
  if (!(o.decay >= 0 && o.decay < 1)) throw new ArgumentError(`--model-ema-decay must be in [0, 1), got ${o.decay}`);
}

/** The decay at update `t` (1-based). */
export function emaDecay(o: EmaOptions, t: number): number {
  if (!o.warmup) return o.decay;
  return Math.max(0, Math.min(o.decay, 1 - (1 + t) ** (-2 / 3)));
}

export class ModelEma<M extends nn.Module = nn.Module> {
  /** Updates applied so far (saved in the checkpoint's state). */
  updates = 0;

  /**
   * `module`: a model of the same architecture (it becomes the average; build it without drawing
   * from the default generator, e.g. under nn.withoutInit). Starts as a copy of `source`'s weights.
   */
  constructor(readonly module: M, source: nn.Module, readonly options: EmaOptions) {
    checkEma(options);
    module.loadStateDict(source.stateDict());
    module.eval();
  }

  /** One update from the model's current weights. */
  update(model: nn.Module): void {
    this.updates++;
    const d = emaDecay(this.options, this.updates);
    const own = model.stateDict();
    const avg: Tensor[] = [], src: Tensor[] = [];
    for (const [k, e] of this.module.stateDict()) {
      const w = own.get(k);
      if (!w) throw new ArgumentError(`ModelEma.update: the model has no parameter '${k}'`);
      avg.push(e);
      src.push(w);
    }
    optim.emaUpdate(avg, src, d);
  }

  dispose(): void {
    this.module.dispose();
  }
}
