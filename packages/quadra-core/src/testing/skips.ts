/**
 * Conformance cases a backend is known not to pass yet, each with its reason (tfjs TEST_FILTERS).
 * A case listed here is reported as skipped; a case that fails and is not listed is a failure.
 * Keep it empty unless a kernel is really missing, and name the kernel.
 */
export const CUDA_SKIPS: Readonly<Record<string, string>> = {};
