#!/usr/bin/env node
// `pnpm prebuild:all`: rebuilds every prebuild of @quadranet/lib and runs the checks of issue 6.
//   node scripts/prebuild/main.mjs [all|build|deps|install|emulate] [--arch x64,arm64] [--skip-source-build]
// build:   prebuildify (cmake-js) for linux-x64 (+ CUDA module when nvcc is there) and linux-arm64 (cross)
// deps:    each module needs only libc/libm/libstdc++/libgcc_s/libgomp or files beside it ($ORIGIN); sizes
// install: pnpm pack → offline installs with npm and pnpm, no compiler/cmake/make on PATH; smoke test;
//          a platform with no prebuild: an explained load error without a compiler, a source build with one
// emulate: the installed prebuilds under qemu: x86-64 without AVX-512/AVX2, arm64 NEON-only and with SVE;
//          on some (onnx-check.mjs) `quadra infer` + `quadra export --onnx` = onnxruntime-node there
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { prebuild } from './build.mjs';
import { checkDeps } from './deps.mjs';
import { emulate } from './emulate.mjs';
import { installCheck } from './install-check.mjs';
import { ensurePrebuildTools } from './tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const step = argv.find((a) => !a.startsWith('--')) ?? 'all';
const archArg = argv.includes('--arch') ? argv[argv.indexOf('--arch') + 1] : 'x64,arm64';
const arches = archArg.split(',');
const skipSourceBuild = argv.includes('--skip-source-build');

async function main() {
  const t0 = Date.now();
  ensurePrebuildTools(arches);
  if (step === 'all' || step === 'build') for (const a of arches) prebuild(root, a);
  if (step === 'all' || step === 'deps') checkDeps(root, arches);
  let project = null;
  if (step === 'all' || step === 'install' || step === 'emulate') project = installCheck(root, { skipSourceBuild: skipSourceBuild || step === 'emulate' });
  if (step === 'all' || step === 'emulate') emulate(root, project, arches);
  console.error(`[prebuild] ${step}: all checks passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  console.error(`[prebuild] FAILED: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
