// One prebuild per platform with prebuildify driving cmake-js (through gyp-shim.mjs), in a staging
// folder so the development build in packages/quadra-lib/build is left alone. Output:
// packages/quadra-lib/prebuilds/linux-<arch>/quadra.node plus the libraries it needs, and for
// linux-x64 the CUDA module and the collectives module in their own sub-folders cuda/ and collectives/ (node-gyp-build takes the first *.node of
// a folder, so the CPU module must be the only one at the top).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { ensureSysroot } from './sysroot.mjs';

export function prebuild(root, arch) {
  const lib = join(root, 'packages', 'quadra-lib');
  const stage = join(root, '.stamps', `prebuild-${arch}`);
  const out = join(lib, 'prebuilds', `linux-${arch}`);
  rmSync(stage, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: '@quadranet/lib', private: true }));

  const env = {
    ...process.env,
    QUADRA_PREBUILD_NATIVE: join(root, 'native'),
    QUADRA_PREBUILD_LIB: lib,
    PREBUILD_ARCH: arch,
  };
  const defines = ['CMAKE_BUILD_TYPE=Release'];
  if (arch === 'x64') {
    if (process.arch !== 'x64') throw new Error(`the linux-x64 prebuild is built on x86-64 only (this is ${process.arch})`);
    // /usr/lib: Debian's libgloo.so.0 (the collectives module) lives there, not in the multiarch folder
    env.QUADRA_PREBUILD_LIBDIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib'].join(':');
  } else if (arch === 'arm64') {
    const sysroot = ensureSysroot(join(root, '.tools'));
    defines.push(`CMAKE_TOOLCHAIN_FILE=${join(root, 'scripts', 'prebuild', 'aarch64-toolchain.cmake')}`,
      `QUADRA_SYSROOT=${sysroot}`, 'QUADRA_NO_CUDA=ON');
    env.QUADRA_PREBUILD_LIBDIRS = join(sysroot, 'usr', 'lib', 'aarch64-linux-gnu');
    env.QUADRA_SYSROOT = sysroot; // the toolchain file is read again inside try_compile
    env.PREBUILD_STRIP_BIN = 'aarch64-linux-gnu-strip';
  } else {
    throw new Error(`prebuild: arch must be x64 or arm64, got ${arch}`);
  }
  env.QUADRA_PREBUILD_DEFINES = defines.join(' ');

  const bin = createRequire(join(lib, 'package.json')).resolve('prebuildify/bin.js');
  const args = [bin, stage, '--napi', '--strip', '--name', 'quadra', '--out', lib,
    '--node-gyp', join(root, 'scripts', 'prebuild', 'gyp-shim.mjs'), '--cache', join(root, '.stamps', 'prebuildify-cache')];
  if (env.PREBUILD_STRIP_BIN) args.push('--strip-bin', env.PREBUILD_STRIP_BIN);
  console.error(`[prebuild] linux-${arch}: prebuildify → cmake-js`);
  const r = spawnSync(process.execPath, args, { cwd: stage, env, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`prebuildify for linux-${arch} failed (exit ${r.status})`);

  // The CUDA module (if nvcc built one) and the collectives module (if Gloo was found), with the
  // libraries bundled beside them: each in its own sub-folder.
  for (const sub of ['cuda', 'collectives']) {
    const built = join(stage, 'build', 'Release', sub);
    if (!existsSync(built)) continue;
    const files = readdirSync(built).filter((f) => /\.node$|\.so(\.\d+)*$/.test(f));
    if (!files.length) continue;
    mkdirSync(join(out, sub), { recursive: true });
    for (const f of files) copyFileSync(join(built, f), join(out, sub, f));
    const strip = env.PREBUILD_STRIP_BIN ?? 'strip';
    for (const f of files.filter((x) => x.endsWith('.node'))) spawnSync(strip, ['--strip-all', join(out, sub, f)], { stdio: 'inherit' });
  }
  return out;
}
