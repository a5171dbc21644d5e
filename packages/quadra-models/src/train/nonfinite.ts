/** The check each training step passes before its update: a finite loss and gradient norm, or a counted skip. */

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
