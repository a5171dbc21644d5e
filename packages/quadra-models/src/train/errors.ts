/** Why a training run stopped before its last epoch, as typed errors the CLI turns into exit codes. */
import { QuadraError } from '@quadranet/core';

/** A flag given with `--resume` differs from the configuration the checkpoint was trained with. */
export class ResumeConflictError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_RESUME_CONFLICT', message);
  }
}

/** Where a run stopped: 1-based epoch, step within it, and optimizer step of the whole run. */
export interface StopPoint {
  epoch: number;
  stepInEpoch: number;
  step: number;
}

/** The loss or gradient norm became NaN or infinite (more often than skipNonfinite allows). */
export class TrainingDivergedError extends QuadraError {
  constructor(message: string, readonly at: StopPoint) {
    super('QUADRA_DIVERGED', message);
  }
}

/** The run's abort signal fired (Ctrl-C in the CLI); metrics.json and curves.svg hold the completed epochs. */
export class TrainingInterruptedError extends QuadraError {
  constructor(message: string, readonly at: StopPoint) {
    super('QUADRA_INTERRUPTED', message);
  }
}

/** A run's file could not be written (disk full, read-only directory...); the message names the file, the cause and the checkpoint kept. */
export class OutputWriteError extends QuadraError {
  constructor(message: string, readonly path: string, readonly errno: string | undefined, options?: { cause?: unknown }) {
    super('QUADRA_OUTPUT_WRITE', message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
