/** Typed errors. Every error carries a stable `code` that scripts can test for. */
export class QuadraError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument has the wrong value (size, kernel size, option). */
export class ArgumentError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_INVALID_ARGUMENT', message);
  }
}

/** A buffer has the wrong length for the shape it is used with. */
export class ShapeError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_SHAPE', message);
  }
}

/** A value is not of the expected type (e.g. not a Float32Array). */
export class DTypeError extends QuadraError {
  constructor(message: string) {
    super('QUADRA_DTYPE', message);
  }
}

/** The native module could not be loaded; the message lists likely causes and fixes. */
export class NativeLoadError extends QuadraError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('QUADRA_NATIVE_LOAD', message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/**
 * An optional native module (the CUDA one, the collectives one) cannot be used. `reason` is the
 * one-line cause; the message adds where it looked and what to do.
 */
abstract class ModuleUnavailableError extends QuadraError {
  readonly reason: string;
  protected constructor(code: string, reason: string, message: string, options?: { cause?: unknown }) {
    super(code, message);
    this.reason = reason;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/**
 * The CUDA backend cannot be used: no quadra_cuda.node was built or shipped, it failed to load,
 * or it loaded but found no usable GPU/driver (reason for a missing GPU: "CUDA unavailable:
 * <cudaGetErrorString>").
 */
export class CudaUnavailableError extends ModuleUnavailableError {
  constructor(reason: string, message: string = reason, options?: { cause?: unknown }) {
    super('QUADRA_CUDA_UNAVAILABLE', reason, message, options);
  }
}

/**
 * Data-parallel collectives cannot be used: quadra_collectives.node was not built or shipped, or it did
 * not load (most often: Gloo's shared library is missing).
 */
export class DistUnavailableError extends ModuleUnavailableError {
  constructor(reason: string, message: string = reason, options?: { cause?: unknown }) {
    super('QUADRA_DIST_UNAVAILABLE', reason, message, options);
  }
}

/** An environment variable (QUADRA_NUM_THREADS, QUADRA_BACKEND, ...) holds a value outside its accepted ones. */
export class EnvironmentError extends QuadraError {
  /** The variable's name. */
  readonly variable: string;
  constructor(variable: string, message: string) {
    super('QUADRA_ENV', message);
    this.variable = variable;
  }
}
