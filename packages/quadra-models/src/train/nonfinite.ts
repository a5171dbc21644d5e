/** The checks that keep non-finite numbers out of a run: each step's loss and gradient norm, the weights before a checkpoint. */
import type { nn } from '@quadranet/core';

export type StepVerdict = { verdict: 'ok' } | { verdict: 'skip' | 'stop'; what: string };

/** Allows up to `limit` non-finite steps in a run (like a mixed-precision loss scaler skipping overflowed steps). */
export class NonFiniteGuard {
  /** Non-finite steps skipped in the run so far (including those before a resume). */
  skipped: number;

  constructor(readonly limit: number, skippedBefore = 0) {
    this.skipped = skippedBefore;
  }

  check(loss: number, gradNorm: number): StepVerdict {
    if (Number.isFinite(loss) && Number.isFinite(gradNorm)) return { verdict: 'ok' };
    const what = !Number.isFinite(loss) ? `the loss is ${loss}` : `the gradient norm is ${gradNorm}`;
    if (this.skipped >= this.limit) return { verdict: 'stop', what };
    this.skipped++;
    return { verdict: 'skip', what };
  }
}

/** Whether every parameter of `model` is finite (cuda parameters are read back). */
export function paramsFinite(model: nn.Module): boolean {
  for (const p of model.parameters()) {
    const d = p.device === 'cpu' ? p.data() : p.dataSync();
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  }
  return true;
}
