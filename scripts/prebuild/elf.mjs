// ELF facts for the prebuilt modules, read with binutils' readelf (which reads any architecture):
// the shared libraries a file needs, its RUNPATH, and bundling of the non-system ones beside it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Libraries every supported Linux has (glibc, the GCC C++ runtime, libgomp): a prebuilt module may
 * need these and nothing else that it does not carry beside itself. libcuda.so.1 is the driver,
 * which the CUDA module never links (it reaches the driver through the static runtime).
 */
export const SYSTEM_LIBS = [
  /^libc\.so\.6$/, /^libm\.so\.6$/, /^libdl\.so\.2$/, /^libpthread\.so\.0$/, /^librt\.so\.1$/,
  /^ld-linux(-x86-64|-aarch64)\.so\.[12]$/, /^libstdc\+\+\.so\.6$/, /^libgcc_s\.so\.1$/, /^libgomp\.so\.1$/,
];

export function isSystemLib(name) {
  return SYSTEM_LIBS.some((re) => re.test(name));
}

function dynamic(file) {
  return execFileSync('readelf', ['-d', '-W', file], { encoding: 'utf8' });
}

/** DT_NEEDED entries of an ELF file. */
export function needed(file) {
  return [...dynamic(file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

/** DT_RUNPATH (or DT_RPATH) of an ELF file, '' when it has none. */
export function runpath(file) {
  const m = dynamic(file).match(/\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[([^\]]*)\]/);
  return m ? m[1] : '';
}

/** The ELF machine of a file, e.g. 'Advanced Micro Devices X86-64' or 'AArch64'. */
export function machine(file) {
  const out = execFileSync('readelf', ['-h', '-W', file], { encoding: 'utf8' });
  return out.match(/Machine:\s+(.+)/)?.[1].trim() ?? 'unknown';
}

/**
 * Copies every non-system library `file` needs (transitively) from `searchDirs` into the folder of
 * `file`, under its SONAME, and gives each copy RUNPATH $ORIGIN, so that the module and its
 * libraries resolve each other there and nowhere else. Returns the names copied.
 */
export function bundleLibs(file, searchDirs) {
  const dir = join(file, '..');
  const copied = [];
  const queue = needed(file);
  const seen = new Set();
  while (queue.length) {
    const lib = queue.shift();
    if (seen.has(lib) || isSystemLib(lib)) continue;
    seen.add(lib);
    const src = searchDirs.map((d) => join(d, lib)).find((p) => existsSync(p));
    if (!src) throw new Error(`${basename(file)} needs ${lib}, which is in none of: ${searchDirs.join(', ')}`);
    const dst = join(dir, lib);
    copyFileSync(realpathSync(src), dst);
    execFileSync('patchelf', ['--set-rpath', '$ORIGIN', dst]);
    copied.push(lib);
    queue.push(...needed(dst));
  }
  return copied;
}

/**
 * Checks a prebuild folder: every module and library needs only system libraries or files beside
 * it, and every module looks beside itself ($ORIGIN). Returns one row per file with its size.
 */
export function checkFolder(dir) {
  const rows = [];
  const problems = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      if (!/\.node$|\.so(\.\d+)*$/.test(name)) continue;
      const libs = needed(p);
      const local = libs.filter((l) => !isSystemLib(l));
      const missing = local.filter((l) => !existsSync(join(d, l)));
      const rp = runpath(p);
      if (missing.length) problems.push(`${p}: needs ${missing.join(', ')}, neither a system library nor beside it`);
      if (local.length && !rp.split(':').includes('$ORIGIN')) problems.push(`${p}: needs ${local.join(', ')} but has no RUNPATH $ORIGIN (has '${rp}')`);
      if (rp.split(':').some((e) => e && e !== '$ORIGIN')) problems.push(`${p}: RUNPATH '${rp}' names folders of the build machine`);
      rows.push({ file: p.slice(dir.length + 1), bytes: statSync(p).size, machine: machine(p), needs: libs, runpath: rp });
    }
  };
  walk(dir);
  return { rows, problems };
}
