import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { checkEnv, envBackend, envNativeBuild } from './env.js';
import { NativeLoadError } from './errors.js';
import type { KernelSignatures } from './kernel-table.js';

/**
 * The raw surface of quadra.node (native/binding): `kernels` holds one function per kernel name
 * with the signatures every backend shares (kernel-table.ts), arguments checked again in C++;
 * the rest are the module's settings and probes.
 */
export interface NativeModule {
  kernels: KernelSignatures<Float32Array>;
  info(): { version: string; simd: string; convSimd?: string; simdSupported: string[]; threads: number; gemm: string; gemmSplit: boolean };
  setThreads(n: number): number;
  setGemmSplit(on: boolean): boolean;
  limitSimd(target: string): string;
  fmaPeak(seconds?: number): number;
  alignOffset(buffer: ArrayBuffer): number;
}

const require = createRequire(import.meta.url);
/** The package root (the folder holding package.json, build/ and prebuilds/). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where an optional module (cuda/quadra_cuda.node, collectives/quadra_collectives.node) may be, in
 * the order tried: QUADRA_NATIVE_BUILD's folder alone when set, else the source build and the
 * prebuild. Each lives in its own sub-folder: node-gyp-build takes the first *.node of a folder.
 */
export function optionalModulePaths(sub: string, file: string, root: string = packageRoot): string[] {
  const own = envNativeBuild();
  if (own !== undefined) return [join(own, sub, file)];
  return [
    join(root, 'build', 'Release', sub, file),
    join(root, 'prebuilds', `${process.platform}-${process.arch}`, sub, file),
  ];
}

/**
 * Loads quadra.node from `root` (default: the QUADRA_NATIVE_BUILD folder when set, else this
 * package; prebuilds/<platform>-<arch>/ or build/Release/, as
 * node-gyp-build resolves them) and explains a failure: the platform, the places looked in,
 * the loader's own message, and what to do.
 */
export function loadNative(root?: string): NativeModule {
  const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };
  // QUADRA_NATIVE_BUILD replaces the package's own binaries, not a root the caller names
  const own = root === undefined ? envNativeBuild() : undefined;
  root ??= packageRoot;
  let file: string;
  try {
    file = own === undefined ? nodeGypBuild.path(root) : ownBuild(own);
  } catch (err) {
    throw new NativeLoadError(explain(root, 'no binary found', err), { cause: err });
  }
  setWaitPolicy();
  try {
    return require(file) as NativeModule;
  } catch (err) {
    throw new NativeLoadError(explain(root, `loading ${file} failed`, err), { cause: err });
  }
}

/** QUADRA_NATIVE_BUILD's quadra.node (a sanitizer build, say); its absence is the loader's error. */
function ownBuild(dir: string): string {
  const file = join(dir, 'quadra.node');
  if (!existsSync(file)) throw new Error(`QUADRA_NATIVE_BUILD=${dir} holds no quadra.node`);
  return file;
}

/**
 * libgomp reads its settings once, when the module pulls it in, so the wait policy is set here,
 * before the load, unless the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT. Its own default spins
 * ~300k iterations at every barrier; when another process holds a core, the spinning threads
 * starve the one with work: a QuadraBlock training step (2x28x28x64, 2 cores) took 22–51 ms with
 * the spin count of 20000 used before, 54–204 ms with libgomp's default, and 4–8 ms with `passive`
 * (threads sleep at once), which also matched or beat every other setting when the machine was
 * not contended (bench/RESULTS.md, "Threads on a shared machine").
 */
export const DEFAULT_WAIT_POLICY = 'passive';

function setWaitPolicy(): void {
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) {
    process.env.OMP_WAIT_POLICY = DEFAULT_WAIT_POLICY;
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
    // A bad QUADRA_* variable is an EnvironmentError here, on every call until fixed (the C++
    // side would read a bad QUADRA_NUM_THREADS as "one per core" without a word).
    checkEnv();
    const backend = envBackend();
    if (backend === 'reference') {
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
  if (s.module || envBackend() === 'reference') return s.module;
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
