#!/usr/bin/env node
// One-step set-up for a fresh clone (Debian 12, Node 20, g++, cmake): Debian packages (apt-get
// when root, otherwise the exact command to run), pnpm, dependencies, the native build and the
// TypeScript build. Idempotent and quick when everything is in place.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '12.4.2';
// Debian packages the build needs beyond g++ and cmake: Highway (portable SIMD with run-time
// dispatch) and the GEMM provider: oneDNN on x86-64 (shared libdnnl.so.2), OpenBLAS's OpenMP build
// elsewhere (linked statically). OpenMP (libgomp) comes with g++.
const GEMM_PACKAGE = process.arch === 'x64' ? 'libdnnl-dev' : 'libopenblas-openmp-dev';
// Fashion-MNIST (IDX files under /usr/share/datasets/fashion-mnist) for the demo and training.
// Gloo (libgloo-dev) for data-parallel training's collectives module (native/collectives).
const DEBIAN_PACKAGES = ['libhwy-dev', GEMM_PACKAGE, 'libgloo-dev', 'dataset-fashion-mnist'];

function log(msg) {
  console.error(`[setup] ${msg}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
}

function ok(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function ensureTools() {
  const missing = ['cmake', 'g++'].filter((t) => !ok(t, ['--version']));
  if (missing.length) {
    throw new Error(`missing build tools: ${missing.join(', ')}. On Debian: apt-get install -y g++ cmake`);
  }
}

function ensureDebianPackages() {
  if (!existsSync('/usr/bin/dpkg-query')) {
    log(`not a Debian system: make sure these (or their equivalents) are installed: ${DEBIAN_PACKAGES.join(' ')}`);
    return;
  }
  const missing = DEBIAN_PACKAGES.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
  if (!missing.length) return;
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(', ')}. Run as root:\n  sudo sh -c '${cmd}'`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  run('sh', ['-c', cmd], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Returns the command that runs pnpm PNPM_VERSION, installing it if needed. */
function ensurePnpm() {
  const version = (bin) => {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  if (version('pnpm') === PNPM_VERSION) return 'pnpm';
  const local = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
  if (existsSync(local) && version(local) === PNPM_VERSION) return local;
  log(`installing pnpm ${PNPM_VERSION}`);
  if (spawnSync('npm', ['install', '-g', `pnpm@${PNPM_VERSION}`], { stdio: 'inherit' }).status === 0 && version('pnpm') === PNPM_VERSION) {
    return 'pnpm';
  }
  // No permission for a global install: keep a private copy in .tools/.
  run('npm', ['install', '--no-save', '--prefix', join(root, '.tools'), `pnpm@${PNPM_VERSION}`]);
  return local;
}

function main() {
  ensureTools();
  ensureDebianPackages();
  const pnpm = ensurePnpm();
  run(pnpm, ['install', '--frozen-lockfile'], { env: { ...process.env, QUADRA_REQUIRE_NATIVE: '1' } });
  // The install step builds quadra.node when no binary loads; build again so source edits land.
  run(pnpm, ['--filter', '@quadranet/lib', 'run', 'build:native']);
  run(pnpm, ['exec', 'tsc', '-b']);
  const nodeVersion = execFileSync(process.execPath, ['--version'], { encoding: 'utf8' }).trim();
  log(`ready (node ${nodeVersion}, pnpm ${PNPM_VERSION})`);
}

try {
  main();
} catch (err) {
  console.error(`[setup] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
