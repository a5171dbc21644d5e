#!/usr/bin/env node
// Stands in for node-gyp under prebuildify, which knows only node-gyp: prebuildify runs
// `<this> rebuild --target=... --arch=... --release` in the staging folder; this runs
// `cmake-js rebuild` of native/ into ./build (so ./build/Release/quadra.node, and the CUDA module in
// ./build/Release/cuda/ when nvcc is there), then copies the non-system shared libraries the modules
// need beside them (prebuildify ships every *.so* it finds in build/Release).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { bundleLibs } from './elf.mjs';

const env = process.env;
const args = process.argv.slice(2);
if (args[0] !== 'rebuild') {
  console.error(`gyp-shim: only 'rebuild' is supported, got: ${args.join(' ')}`);
  process.exit(2);
}
const nativeDir = env.QUADRA_PREBUILD_NATIVE;
if (!nativeDir || !existsSync(join(nativeDir, 'CMakeLists.txt'))) {
  console.error('gyp-shim: QUADRA_PREBUILD_NATIVE must name the folder holding native/CMakeLists.txt');
  process.exit(2);
}
const cmakeJs = createRequire(join(env.QUADRA_PREBUILD_LIB, 'package.json')).resolve('cmake-js/bin/cmake-js');
const cmakeArgs = ['rebuild', '-d', nativeDir, '-O', 'build'];
for (const def of (env.QUADRA_PREBUILD_DEFINES ?? '').split(' ').filter(Boolean)) cmakeArgs.push(`--CD${def}`);
const r = spawnSync(process.execPath, [cmakeJs, ...cmakeArgs], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

const release = join('build', 'Release');
const libDirs = (env.QUADRA_PREBUILD_LIBDIRS ?? '').split(':').filter(Boolean);
const modules = [join(release, 'quadra.node')];
// the CUDA module and, where Gloo was found, the collectives module: each in its own sub-folder
for (const sub of ['cuda', 'collectives']) {
  if (existsSync(join(release, sub))) {
    modules.push(...readdirSync(join(release, sub)).filter((f) => f.endsWith('.node')).map((f) => join(release, sub, f)));
  }
}
for (const m of modules) {
  const copied = bundleLibs(m, libDirs);
  console.error(`gyp-shim: ${m}: bundled ${copied.length ? copied.join(', ') : 'nothing (system libraries only)'}`);
}
