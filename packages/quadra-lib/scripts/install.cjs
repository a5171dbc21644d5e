#!/usr/bin/env node
// Install step for @quadranet/lib. node-gyp-build's own fallback runs `node-gyp rebuild`, which
// cannot build a cmake-js project, so: use a prebuilt or already-built binary when one loads;
// otherwise (or with npm_config_build_from_source=true) build from source with cmake-js.
// A failed build is reported but does not fail the install: the package then runs on its
// plain-TypeScript reference kernels. QUADRA_REQUIRE_NATIVE=1 makes it fatal.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const pkgRoot = path.resolve(__dirname, '..');
const fromSource =
  process.env.npm_config_build_from_source === 'true' ||
  process.env.npm_config_build_from_source === '@quadranet/lib';

function hasUsableBinary() {
  try {
    require(require('node-gyp-build').path(pkgRoot));
    return true;
  } catch {
    return false;
  }
}

function nativeDir() {
  for (const dir of [path.join(pkgRoot, 'native'), path.join(pkgRoot, '..', '..', 'native')]) {
    if (fs.existsSync(path.join(dir, 'CMakeLists.txt'))) return dir;
  }
  return null;
}

function main() {
  if (!fromSource && hasUsableBinary()) return 0;
  const dir = nativeDir();
  if (!dir) {
    console.warn('@quadranet/lib: no prebuilt binary for ' + process.platform + '-' + process.arch +
      ' and no native sources to build; the reference (plain TypeScript) kernels will be used.');
    return 0;
  }
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const res = spawnSync(process.execPath, [cmakeJs, 'compile', '-d', dir, '-O', path.join(pkgRoot, 'build')], {
    cwd: pkgRoot,
    stdio: 'inherit',
  });
  if (res.status === 0) return 0;
  console.warn('@quadranet/lib: building the native module failed (see above). Likely causes: no C++ ' +
    'compiler or cmake on PATH, or Highway/OpenMP/GEMM headers missing (Debian: apt-get install g++ cmake ' +
    'libhwy-dev, plus libdnnl-dev on x86-64 or libopenblas-openmp-dev elsewhere). The reference kernels will be used until `pnpm --filter @quadranet/lib build:native` succeeds.');
  return process.env.QUADRA_REQUIRE_NATIVE === '1' ? 1 : 0;
}

process.exit(main());
