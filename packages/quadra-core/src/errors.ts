/** Core errors: the library's typed errors plus device and backend ones. */
import { QuadraError } from '@quadranet/lib';

export { QuadraError, ArgumentError, ShapeError, DTypeError, EnvironmentError, checkOptionKeys, optionKeys } from '@quadranet/lib';

/** Tensors on different devices met in one op, or a device that does not exist. */
export class DeviceError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_DEVICE', message);
  }
}

/** No backend implements a kernel for the tensor's device and dtype. */
export class BackendUnavailableError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_BACKEND_UNAVAILABLE', message);
  }
}

/** A tensor was used after dispose(), or a graph after its backward released it. */
export class DisposedError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_DISPOSED', message);
  }
}

/**
 * A collective failed or could not start: a rank exited, was killed or stopped answering within
 * the timeout, or the ranks could not meet. The message names this rank and the cause; the
 * process group is unusable afterwards.
 */
export class DistError extends QuadraError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('QUADRA_DIST', message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
