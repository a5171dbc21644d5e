// A PATH with everything of the usual bin folders except compilers and build tools, so an install
// can be shown to need none of them (the prebuild is used, nothing is compiled).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const BUILD_TOOLS = /^(cc|c\+\+|cpp|gcc|g\+\+|clang|clang\+\+|ld|ld\.\w+|as|make|gmake|cmake|ctest|cpack|ninja|nvcc|node-gyp)(-[\d.]+)?$|^(x86_64|aarch64)-linux-gnu-|^(gcc|g\+\+|cpp|clang)-|^cmake/;

export function noCompilerPath(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dirs = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin', join(process.execPath, '..')];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (BUILD_TOOLS.test(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(d, name), join(dir, name));
    }
  }
  for (const tool of ['cc', 'gcc', 'g++', 'c++', 'cmake', 'make', 'ninja', 'nvcc']) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`], { env: { PATH: dir } });
    if (r.status === 0) throw new Error(`no-compiler PATH still has ${tool}`);
  }
  return dir;
}
