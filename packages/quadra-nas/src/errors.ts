/** Typed errors of the search: each names the field, file or op at fault. */
import { QuadraError } from '@quadranet/core';

/** A search space that does not validate; `field` is the path of the bad field (e.g. `stages[1].width`). */
export class SearchSpaceError extends QuadraError {
  constructor(readonly detail: string, readonly field: string, readonly source = 'search space') {
    super('QUADRA_NAS_SPACE', `${source}: ${field ? `${field}: ` : ''}${detail}`);
  }
}

/** A latency table that cannot be read: not JSON, wrong format or version, a malformed entry. */
export class LutError extends QuadraError {
  constructor(message: string, readonly file: string, readonly field = '') {
    super('QUADRA_NAS_LUT', `${file}: ${field ? `${field}: ` : ''}${message}`);
  }
}

/** A readable latency table that does not fit the search space (batch, dtype, missing ops). */
export class LutMismatchError extends QuadraError {
  constructor(message: string, readonly file: string, readonly missing: string[] = []) {
    super('QUADRA_NAS_LUT_MISMATCH', `${file}: ${message}`);
  }
}

/** The predictor was asked about an op it has no model for (never counted as 0 ms). */
export class PredictorError extends QuadraError {
  constructor(message: string, readonly op: string) {
    super('QUADRA_NAS_PREDICTOR', message);
  }
}
