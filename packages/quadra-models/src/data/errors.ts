/** A dataset file is missing, truncated or not what it claims to be. */
import { QuadraError } from '@quadranet/core';

export class DatasetError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_DATASET', message);
  }
}
