import { ArgumentError, DTypeError } from './errors.js';

/** Runs a native call, re-raising its TypeError/RangeError as the matching typed error. */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : String(err);
    if (code === 'QUADRA_INVALID_TYPE') throw new DTypeError(message);
    if (code === 'QUADRA_INVALID_ARGUMENT') throw new ArgumentError(message);
    throw err;
  }
}
