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
