/**
 * The QUADRA_* environment variables, read and checked in one place: a value outside the accepted
 * ones is an EnvironmentError naming the variable, the value and what it accepts (never ignored).
 * They are read when first needed (the native module's load, the first cpu kernel, the first CUDA
 * use), not at import, so the error reaches the caller's error handling.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EnvironmentError } from './errors.js';

/** Every variable the packages read, with its accepted values (README's table says the same). */
export const ENV_VARIABLES = {
  QUADRA_NUM_THREADS: 'a positive integer: kernel threads (default: one per core)',
  QUADRA_BACKEND: 'native | reference: cpu kernels (default native; reference = plain TypeScript, slow)',
  QUADRA_CUDA: 'on | off: off never loads the CUDA module (default on: used when built and a GPU is present)',
  QUADRA_CUDA_DEVICE: 'a non-negative integer: the GPU used (default 0)',
  QUADRA_POOL_MB: 'a non-negative number: MB of released cpu buffers kept for reuse (default 2048)',
  QUADRA_PROFILE: '1 | a path ending in .json: profile every kernel call of the process; 1 prints the table to stderr at exit, a path gets it as JSON',
  QUADRA_NATIVE_BUILD: 'a folder holding quadra.node (and cuda/quadra_cuda.node, collectives/quadra_collectives.node): load these instead of the package\'s build or prebuild (the sanitizer tests use it)',
} as const;

export type EnvVariable = keyof typeof ENV_VARIABLES;

function raw(name: EnvVariable): string | undefined {
  const v = process.env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function fail(name: EnvVariable, value: string): never {
  throw new EnvironmentError(name, `${name}=${JSON.stringify(value)} is not accepted; expected ${ENV_VARIABLES[name]}`);
}

function oneOf<T extends string>(name: EnvVariable, values: readonly T[], fallback: T): T {
  const v = raw(name);
  if (v === undefined) return fallback;
  if (!(values as readonly string[]).includes(v)) fail(name, v);
  return v as T;
}

function integer(name: EnvVariable, min: number): number | undefined {
  const v = raw(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) fail(name, v);
  return Number(v);
}

/** QUADRA_BACKEND: 'native' (default) or 'reference'. */
export function envBackend(): 'native' | 'reference' {
  return oneOf('QUADRA_BACKEND', ['native', 'reference'], 'native');
}

/** QUADRA_NUM_THREADS: a positive integer, or undefined for one thread per core. */
export function envThreads(): number | undefined {
  return integer('QUADRA_NUM_THREADS', 1);
}

/** QUADRA_CUDA: 'on' (default) or 'off'. */
export function envCuda(): 'on' | 'off' {
  return oneOf('QUADRA_CUDA', ['on', 'off'], 'on');
}

/** QUADRA_CUDA_DEVICE: a non-negative integer, or undefined for device 0. */
export function envCudaDevice(): number | undefined {
  return integer('QUADRA_CUDA_DEVICE', 0);
}

/** QUADRA_POOL_MB: a non-negative number of MB, or undefined for the default. */
export function envPoolMb(): number | undefined {
  const v = raw('QUADRA_POOL_MB');
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail('QUADRA_POOL_MB', v);
  return n;
}

/**
 * QUADRA_NATIVE_BUILD: an existing folder to load the native modules from, or undefined for the
 * package's own build/Release or prebuilds. Only the folder's existence is checked here; a missing
 * quadra.node in it is the loader's error (it names the file).
 */
export function envNativeBuild(): string | undefined {
  const v = raw('QUADRA_NATIVE_BUILD');
  if (v === undefined) return undefined;
  if (!existsSync(v) || !statSync(v).isDirectory()) fail('QUADRA_NATIVE_BUILD', v);
  return resolve(v);
}

/** QUADRA_PROFILE: 'stderr' for 1, the JSON file's absolute path, or undefined when unset or 0. */
export function envProfile(): 'stderr' | string | undefined {
  const v = raw('QUADRA_PROFILE');
  if (v === undefined || v === '0') return undefined;
  if (v === '1') return 'stderr';
  if (!v.endsWith('.json')) fail('QUADRA_PROFILE', v);
  return resolve(v);
}

/** Checks every QUADRA_* variable at once (what `quadra info` and the CLI do up front). */
export function checkEnv(): void {
  envBackend();
  envThreads();
  envCuda();
  envCudaDevice();
  envPoolMb();
  envNativeBuild();
  envProfile();
}
