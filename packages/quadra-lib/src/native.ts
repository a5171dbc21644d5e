import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { NativeLoadError } from './errors.js';
import type { BinaryOpName, BroadcastMode } from './reference/elementwise.js';
import type { AdamWRefOptions, SgdRefOptions } from './reference/optim.js';
import type { ConvShape, DwGrads, QuadGrads, QuadWeights, SavedAB } from './types.js';

/** The raw surface of quadra.node (native/binding). Arguments are checked again in C++. */
export interface NativeModule {
  quadconvForward(x: Float32Array, shape: ConvShape, k: number, w: QuadWeights, y: Float32Array, save?: SavedAB): void;
  quadconvBackward(
    x: Float32Array, shape: ConvShape, k: number, w: QuadWeights, dy: Float32Array,
    saved: SavedAB | undefined, grads: Partial<QuadGrads>,
  ): void;
  dwconvForward(x: Float32Array, shape: ConvShape, k: number, w: Float32Array, b: Float32Array | undefined, y: Float32Array): void;
  dwconvBackward(x: Float32Array, shape: ConvShape, k: number, w: Float32Array, dy: Float32Array, grads: Partial<DwGrads>): void;
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, b: Float32Array, beta: number, c: Float32Array,
  ): void;
  linear(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, rows: number, inFeatures: number, outFeatures: number, y: Float32Array): void;
  linearBackward(
    x: Float32Array, w: Float32Array, dy: Float32Array, rows: number, inFeatures: number, outFeatures: number,
    dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null, accumulate: boolean,
  ): void;
  layerNorm(
    x: Float32Array, rows: number, cols: number, gamma: Float32Array | undefined, beta: Float32Array | undefined, eps: number,
    y: Float32Array, mean: Float32Array, rstd: Float32Array,
  ): void;
  layerNormBackward(
    x: Float32Array, rows: number, cols: number, gamma: Float32Array | undefined, mean: Float32Array, rstd: Float32Array,
    dy: Float32Array, dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null,
  ): void;
  gelu(x: Float32Array, out: Float32Array): void;
  geluBackward(x: Float32Array, dy: Float32Array, out: Float32Array): void;
  biasGelu(h: Float32Array, bias: Float32Array, cols: number, out: Float32Array): void;
  binary(op: BinaryOpName, a: Float32Array, b: Float32Array | number, out: Float32Array, mode: BroadcastMode): void;
  scale(x: Float32Array, alpha: number, out: Float32Array): void;
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  scaleAdd(x: Float32Array, z: Float32Array, gamma: Float32Array, cols: number, out: Float32Array): void;
  scaleAddBackward(z: Float32Array, gamma: Float32Array, dy: Float32Array, cols: number, dz: Float32Array | null, dgamma: Float32Array | null): void;
  sumRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  sumCols(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  permute(x: Float32Array, shape: number[], perm: number[], out: Float32Array): void;
  copyWindow(x: Float32Array, shape: number[], out: Float32Array, outShape: number[], offsets: number[], reverse: boolean): void;
  roll(x: Float32Array, shape: number[], shifts: number[], out: Float32Array): void;
  gather(x: Float32Array, shape: number[], axis: number, indices: Int32Array, out: Float32Array, scatter: boolean): void;
  softmax(x: Float32Array, rows: number, cols: number, out: Float32Array, log: boolean): void;
  softmaxBackward(y: Float32Array, dy: Float32Array, rows: number, cols: number, dx: Float32Array, log: boolean): void;
  broadcastBinary(op: BinaryOpName, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], out: Float32Array, outShape: number[]): void;
  reduceSum(x: Float32Array, shape: number[], axes: number[], out: Float32Array): void;
  adamwStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, options: AdamWRefOptions): void;
  sgdStep(param: Float32Array, grad: Float32Array, momentumBuf: Float32Array | undefined, options: SgdRefOptions): void;
  info(): { version: string; simd: string; convSimd?: string; simdSupported: string[]; threads: number; gemm: string };
  setThreads(n: number): number;
  limitSimd(target: string): string;
  fmaPeak(seconds?: number): number;
  alignOffset(buffer: ArrayBuffer): number;
}

const require = createRequire(import.meta.url);
/** The package root (the folder holding package.json, build/ and prebuilds/). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Loads quadra.node from `root` (prebuilds/<platform>-<arch>/ or build/Release/, as
 * node-gyp-build resolves them) and explains a failure: the platform, the places looked in,
 * the loader's own message, and what to do.
 */
export function loadNative(root: string = packageRoot): NativeModule {
  const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };
  let file: string;
  try {
    file = nodeGypBuild.path(root);
  } catch (err) {
    throw new NativeLoadError(explain(root, 'no binary found', err), { cause: err });
  }
  // libgomp reads its settings once, when the module pulls it in. Its default spins ~300k
  // iterations at every barrier: when the cores are shared (a test runner, a data worker, another
  // process) a spinning thread starves the one doing the work; a training step measured 4.5x
  // slower. 20000 keeps quiet-machine speed (same figures) and degrades gently under sharing.
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) {
    process.env.GOMP_SPINCOUNT = '20000';
  }
  try {
    return require(file) as NativeModule;
  } catch (err) {
    throw new NativeLoadError(explain(root, `loading ${file} failed`, err), { cause: err });
  }
}

function explain(root: string, what: string, err: unknown): string {
  const platform = `${process.platform}-${process.arch}`;
  const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const lookedFor = [join(root, 'build', 'Release', 'quadra.node'), join(root, 'prebuilds', platform, 'quadra.node')];
  const shipped = existsSync(join(root, 'prebuilds')) ? readdirSync(join(root, 'prebuilds')).filter((d) => /^\w+-\w+$/.test(d)) : [];
  const causes: string[] = [];
  if (/lib\w+\.so/.test(detail)) {
    causes.push('a shared library it links is missing: a prebuild carries its own beside quadra.node, a source build needs the Debian packages it was built against (libhwy1, libgomp1, and libdnnl2 on x86-64)');
  }
  if (/NODE_MODULE_VERSION|napi|symbol/i.test(detail)) {
    causes.push(`the binary was built for another Node.js (this is ${process.version}; Node-API 8 is required)`);
  }
  if (!shipped.includes(platform)) {
    causes.push(`no prebuilt binary ships for ${platform} (prebuilds here: ${shipped.length ? shipped.join(', ') : 'none'}) and none was built from source at install time`);
  }
  causes.push('the build from source failed or was skipped during install (its log is printed by `npm install` / `pnpm install`)');
  return [
    `@quadranet/lib: could not load the native module quadra.node for ${platform}: ${what}.`,
    `  loader said: ${detail}`,
    `  looked for: ${lookedFor.join(', ')}`,
    `  looked in: ${join(root, 'build', 'Release')}, ${join(root, 'prebuilds', platform)}`,
    '  likely causes:',
    ...causes.map((c) => `    - ${c}`),
    '  fixes:',
    '    - build it from source: npm rebuild @quadranet/lib --build-from-source (or pnpm --filter @quadranet/lib build:native in this repo);',
    '      it needs g++, cmake and the Debian packages libhwy-dev plus libdnnl-dev (x86-64) or libopenblas-openmp-dev (arm64)',
    '    - or run on the plain-TypeScript reference kernels (slow; no native code): QUADRA_BACKEND=reference',
  ].join('\n');
}

let cached: { module: NativeModule | null; error: NativeLoadError | null } | undefined;

function state() {
  if (!cached) {
    if (process.env.QUADRA_BACKEND === 'reference') {
      cached = { module: null, error: new NativeLoadError('QUADRA_BACKEND=reference: the native module is disabled') };
    } else {
      try {
        cached = { module: loadNative(), error: null };
      } catch (err) {
        cached = { module: null, error: err as NativeLoadError };
      }
    }
  }
  return cached;
}

/**
 * The native module, or null when QUADRA_BACKEND=reference asks for the reference kernels. A
 * module that fails to load is an error (the NativeLoadError that explains it), never a silent
 * switch to kernels 100x slower: the reference is used only when asked for.
 */
export function nativeOrNull(): NativeModule | null {
  const s = state();
  if (s.module || process.env.QUADRA_BACKEND === 'reference') return s.module;
  throw s.error!;
}

/** The native module; throws the NativeLoadError that explains why it is not available. */
export function requireNative(): NativeModule {
  const s = state();
  if (!s.module) throw s.error!;
  return s.module;
}

/** Why the native module is not loaded, or null when it is. */
export function nativeLoadError(): NativeLoadError | null {
  return state().error;
}
