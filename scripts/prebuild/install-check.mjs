// The no-compiler install check: pnpm pack of @quadranet/lib, core, models, nas and cli (emulate.mjs
// runs its `quadra info`, and its `train`/`infer`/`export` through onnx-check.mjs); installs into
// empty projects with npm and with pnpm, offline from the tarballs, with no compiler, cmake or make
// on PATH; the smoke test (prebuild loaded, kernels =
// reference, QuadraNet forward = reference).
// Then a platform with no prebuild: without a compiler the load fails with an explained error;
// with one, the install builds from the sources inside the tarball.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { noCompilerPath } from './nocc.mjs';
import { runSmoke } from './smoke-run.mjs';

const PACKAGES = [['lib', 'quadra-lib'], ['core', 'quadra-core'], ['models', 'quadra-models'], ['nas', 'quadra-nas'], ['cli', 'quadra-cli']];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd ?? '.'}) failed with ${r.status}:\n${(r.stdout ?? '') + (r.stderr ?? '')}`.slice(0, 6000));
  }
  return r.stdout ?? '';
}

function pnpmBin(root) {
  const local = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
  return existsSync(local) ? local : 'pnpm';
}

/** pnpm pack of each package (workspace:* becomes the version); returns { lib: tgz, ... }. */
function pack(root, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run(pnpmBin(root), ['exec', 'tsc', '-b'], { cwd: root });
  const tgz = {};
  for (const [key, folder] of PACKAGES) {
    run(pnpmBin(root), ['pack', '--pack-destination', dir], { cwd: join(root, 'packages', folder) });
    const name = readdirSync(dir).find((f) => f.startsWith(`quadranet-${key}-`) && f.endsWith('.tgz'));
    if (!name) throw new Error(`pnpm pack of ${folder} wrote no tarball`);
    tgz[key] = join(dir, name);
  }
  const listing = run('tar', ['-tzf', tgz.lib]);
  for (const want of ['package/prebuilds/linux-x64/quadra.node', 'package/native/CMakeLists.txt', 'package/dist/index.js']) {
    if (!listing.includes(want)) throw new Error(`${tgz.lib} lacks ${want}`);
  }
  return tgz;
}

function projectJson(tgz) {
  const spec = Object.fromEntries(PACKAGES.map(([key]) => [`@quadranet/${key}`, `file:${tgz[key]}`]));
  return { name: 'quadra-install-check', private: true, type: 'module', dependencies: spec, overrides: spec };
}

function smoke(root, project, env, label, expectPrebuild = true) {
  copyFileSync(join(root, 'scripts', 'prebuild', 'smoke.mjs'), join(project, 'smoke.mjs'));
  const res = runSmoke(label, process.execPath, ['smoke.mjs'], { cwd: project, env });
  const failures = res.failures.filter((f) => expectPrebuild || !/not a prebuild/.test(f));
  if (failures.length) throw new Error(`${label}: ${failures.join('; ')}`);
  console.error(`[prebuild] ${label}: ${res.checks} checks passed (${res.simd}, ${res.gemm}; ${res.binary.slice(project.length + 1)})`);
  return res;
}

export function installCheck(root, { skipSourceBuild = false } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'quadra-install-'));
  const tgz = pack(root, join(work, 'tarballs'));
  const nocc = noCompilerPath(join(work, 'nocc-bin'));
  const cache = join(work, 'npm-cache');
  const cleanEnv = { ...process.env };
  for (const k of Object.keys(cleanEnv)) if (/^(npm_|PNPM_|QUADRA_|OPENBLAS_|INIT_CWD)/i.test(k)) delete cleanEnv[k];
  const noccEnv = { ...cleanEnv, PATH: nocc };

  // The registry is used once, to fill a private npm cache with the packages' JS dependencies; the
  // install that is checked runs with --offline and no compiler.
  const prime = join(work, 'prime');
  mkdirSync(prime);
  writeFileSync(join(prime, 'package.json'), JSON.stringify(projectJson(tgz), null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', cache], { cwd: prime, env: cleanEnv });

  const viaNpm = join(work, 'npm-project');
  mkdirSync(viaNpm);
  writeFileSync(join(viaNpm, 'package.json'), JSON.stringify(projectJson(tgz), null, 2));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', cache], { cwd: viaNpm, env: noccEnv });
  if (existsSync(join(viaNpm, 'node_modules', '@quadranet', 'lib', 'build'))) throw new Error('npm install built from source although a prebuild ships');
  const res = smoke(root, viaNpm, noccEnv, 'npm install --offline, no compiler');

  // pnpm, the same way: a private store filled once online by a priming project (same depth, so
  // the same relative file: specs), then the checked install offline from that store alone.
  const store = join(work, 'pnpm-store');
  const pnpmDir = join(root, '.tools', 'node_modules', '.bin');
  const pnpmPath = existsSync(join(pnpmDir, 'pnpm')) ? `${pnpmDir}:${nocc}` : nocc;
  const pnpmProject = (name) => {
    const dir = join(work, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify(projectJson(tgz), null, 2));
    // pnpm runs a dependency's install script only when told to (our install.cjs: prebuild or build).
    const overrides = PACKAGES.map(([key]) => `  "@quadranet/${key}": "file:${tgz[key]}"\n`).join('');
    // pnpm keys a file: dependency by its spec relative to the project.
    const libKey = `@quadranet/lib@file:${relative(dir, tgz.lib)}`;
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), `allowBuilds:\n  "${libKey}": true\noverrides:\n${overrides}`);
    return dir;
  };
  const primePnpm = pnpmProject('pnpm-prime');
  const pnpmOnlinePath = existsSync(join(pnpmDir, 'pnpm')) ? `${pnpmDir}:${cleanEnv.PATH}` : cleanEnv.PATH;
  run('pnpm', ['install', '--ignore-scripts', '--store-dir', store], { cwd: primePnpm, env: { ...cleanEnv, PATH: pnpmOnlinePath } });
  const viaPnpm = pnpmProject('pnpm-project');
  run('pnpm', ['install', '--offline', '--store-dir', store], { cwd: viaPnpm, env: { ...noccEnv, PATH: pnpmPath } });
  smoke(root, viaPnpm, noccEnv, 'pnpm install --offline, no compiler');

  // A platform with no prebuild: simulated by removing this platform's folder from a copy.
  const bare = join(work, 'no-prebuild');
  cpSync(viaNpm, bare, { recursive: true, verbatimSymlinks: true });
  const bareLib = join(bare, 'node_modules', '@quadranet', 'lib');
  rmSync(join(bareLib, 'prebuilds', `linux-${process.arch}`), { recursive: true, force: true });
  const inst = spawnSync(process.execPath, [join(bareLib, 'scripts', 'install.cjs')], { cwd: bareLib, env: noccEnv, encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(`install.cjs without a compiler should warn, not fail: ${inst.stderr}`);
  const probe = "import('@quadranet/lib').then((l) => { l.quadconv2d(new Float32Array(1), { n: 1, h: 1, w: 1, c: 1 }, { wa: new Float32Array(1), wb: new Float32Array(1), wc: new Float32Array(1) }, 1); console.log('LOADED'); })";
  const load = spawnSync(process.execPath, ['-e', probe], { cwd: bare, env: noccEnv, encoding: 'utf8' });
  const msg = load.stderr ?? '';
  const wants = [`linux-${process.arch}`, join(bareLib, 'build', 'Release', 'quadra.node'), join(bareLib, 'prebuilds', `linux-${process.arch}`), 'build-from-source', 'QUADRA_BACKEND=reference'];
  const lacking = wants.filter((w) => !msg.includes(w));
  if (load.status === 0 || lacking.length) throw new Error(`no-prebuild load should fail naming ${lacking.join(', ')}; got (exit ${load.status}):\n${load.stdout}${msg}`.slice(0, 4000));
  console.error(`[prebuild] no prebuild, no compiler: install warns; load fails with: ${msg.split('\n').find((l) => l.includes('could not load'))?.trim()}`);

  if (!skipSourceBuild) {
    // With a compiler the same install builds from the sources in the tarball.
    run('npm', ['rebuild', '@quadranet/lib', '--offline', '--cache', cache], { cwd: bare, env: { ...cleanEnv, QUADRA_REQUIRE_NATIVE: '1' } });
    const r = smoke(root, bare, cleanEnv, 'no prebuild, compiler present: built from source', false);
    if (!r.binary.includes('/build/Release/')) throw new Error(`source build: loaded ${r.binary}`);
  }
  return { dir: viaNpm, work, simd: res.simd };
}
