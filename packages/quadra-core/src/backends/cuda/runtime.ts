/**
 * The CUDA runtime as core sees it: `loadCuda()` from @quadranet/lib, loaded once on first use.
 * A failed load is remembered and every later use raises the same BackendUnavailableError with
 * the backend's reason (no module / no GPU / no driver), so a cpu-only process never pays for it.
 */
import { CudaUnavailableError, cudaStatus, loadCuda, type CudaBackend, type CudaStatus } from '@quadranet/lib';
import { BackendUnavailableError } from '../../errors.js';

let runtime: CudaBackend | null = null;
let failure: BackendUnavailableError | null = null;

/** The short reason (CudaUnavailableError's `reason`, as cudaStatus() gives it), else the message. */
function reasonOf(err: unknown): string {
  if (err instanceof CudaUnavailableError) return err.reason;
  return err instanceof Error ? err.message : String(err);
}

/** "cuda is unavailable: <why>", without doubling a prefix the module already wrote. */
function unavailable(why: string): string {
  return /^cuda( is)? unavailable\b/i.test(why) ? why : `cuda is unavailable: ${why}`;
}

/** The loaded CUDA backend; throws BackendUnavailableError with the reason when there is none. */
export function cudaRuntime(): CudaBackend {
  if (runtime) return runtime;
  if (failure) throw failure;
  try {
    runtime = loadCuda();
    return runtime;
  } catch (err) {
    failure = new BackendUnavailableError(unavailable(reasonOf(err)));
    throw failure;
  }
}

/** The loaded backend, or null when it was never loaded (memory accounting must not load it). */
export function cudaRuntimeIfLoaded(): CudaBackend | null {
  return runtime;
}

/** Whether cuda can be used and, if not, why; never throws and never leaves a half-loaded state. */
export function cudaAvailability(): { available: boolean; reason: string; status: CudaStatus | null } {
  if (runtime) return { available: true, reason: '', status: runtime.status() };
  if (failure) return { available: false, reason: failure.message, status: null };
  const status = cudaStatus(); // never throws
  if (!status.available) return { available: false, reason: unavailable(status.reason), status };
  try {
    cudaRuntime();
    return { available: true, reason: '', status };
  } catch (err) {
    return { available: false, reason: reasonOf(err), status };
  }
}
