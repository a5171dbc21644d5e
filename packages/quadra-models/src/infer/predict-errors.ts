/** Typed errors of the off-thread inference API (predictor.ts). */
import { QuadraError } from '@quadranet/core';

/**
 * A prediction was cancelled through its AbortSignal. `name` is 'AbortError', as Node's and the
 * DOM's own cancellations are named, so a service's `err.name === 'AbortError'` check covers it;
 * `reason` is the signal's reason.
 */
export class AbortError extends QuadraError {
  readonly reason: unknown;
  constructor(message: string, reason?: unknown, code = 'QUADRA_ABORTED') {
    super(code, message);
    this.reason = reason;
  }
}

/** A prediction ran past its `timeoutMs` (queue time included). An AbortError too, named 'TimeoutError'. */
export class TimeoutError extends AbortError {
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number) {
    super(message, undefined, 'QUADRA_TIMEOUT');
    this.timeoutMs = timeoutMs;
  }
}

/** The predictor cannot run requests: it was closed, its worker could not start, or the worker died. */
export class PredictorError extends QuadraError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('QUADRA_PREDICTOR', message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
