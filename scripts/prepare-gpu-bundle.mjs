#!/usr/bin/env node
/**
 * Makes .gpu-bundle/ (git-ignored) for bench/gpu/run.sh on a GPU machine that has no Node.js and
 * no network:
 *   node.xz       this machine's x86-64 node binary (`command -v node`), xz -T2 -9
 *   app.tar.xz    the compiled JS (packages/*\/dist, bench/dist/gpu + flops.js), the package.json
 *                 files, and a flat node_modules with the few run-time packages (commander,
 *                 node-gyp-build) plus node-api-headers and node-addon-api for building the CUDA
 *                 module with plain cmake; @quadranet/* are links into packages/
 *   MANIFEST.txt  what is inside and the sizes
 * Run after `pnpm exec tsc -b` (and `node scripts/prebuild/main.mjs build --arch x64`). The prebuilt
 * CPU module packages/quadra-lib/prebuilds/linux-x64 (with its oneDNN: ~8 MiB compressed) goes in
 * when it exists, so the cpu side of the GPU run is native; `--without-cpu-prebuild` leaves it out
 * (run.sh then sets QUADRA_BACKEND=reference). The travelling tree must stay under 64 MiB.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.gpu-bundle');
const withCpu = !process.argv.includes('--without-cpu-prebuild')
  && existsSync(join(root, 'packages/quadra-lib/prebuilds/linux-x64/quadra.node'));
const LIMIT = 60 * 2 ** 20; // leave room under the 64 MiB the tree may carry

function fail(msg) {
  console.error(`prepare-gpu-bundle: ${msg}`);
  process.exit(1);
}

if (process.platform !== 'linux' || process.arch !== 'x64') fail(`the GPU machines are linux-x64; this node is ${process.platform}-${process.arch}`);
const need = ['packages/quadra-lib/dist/index.js', 'packages/quadra-core/dist/testing/index.js', 'packages/quadra-models/dist/index.js', 'bench/dist/gpu/main.js'];
for (const f of need) if (!existsSync(join(root, f))) fail(`${f} is missing: run \`pnpm exec tsc -b\` first`);

// node.xz depends only on the node binary (about 1.5 min of xz -9): kept while its source is unchanged.
const nodeBin = realpathSync(execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim());
const nodeStamp = `${nodeBin} ${process.version} ${statSync(nodeBin).size} ${statSync(nodeBin).mtimeMs}\n`;
const nodeXz = join(out, 'node.xz');
const keepNode = existsSync(nodeXz) && existsSync(join(out, 'node.xz.src')) && readFileSync(join(out, 'node.xz.src'), 'utf8') === nodeStamp;
for (const f of ['app.tar.xz', 'MANIFEST.txt', 'stage', ...(keepNode ? [] : ['node.xz', 'node.xz.src'])]) rmSync(join(out, f), { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const stage = join(out, 'stage');

// The compiled packages and the GPU driver.
for (const p of ['quadra-lib', 'quadra-core', 'quadra-models']) {
  cpSync(join(root, 'packages', p, 'package.json'), join(stage, 'packages', p, 'package.json'));
  cpSync(join(root, 'packages', p, 'dist'), join(stage, 'packages', p, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') });
}
if (withCpu) {
  const pre = join(root, 'packages/quadra-lib/prebuilds/linux-x64');
  cpSync(pre, join(stage, 'packages/quadra-lib/prebuilds/linux-x64'), { recursive: true, dereference: true });
}
cpSync(join(root, 'bench/package.json'), join(stage, 'bench/package.json'));
cpSync(join(root, 'bench/dist/gpu'), join(stage, 'bench/dist/gpu'), { recursive: true, filter: (f) => !f.endsWith('.map') });
cpSync(join(root, 'bench/dist/flops.js'), join(stage, 'bench/dist/flops.js'));

// A flat node_modules: each package and its dependencies, resolved the way Node resolves them.
const nm = join(stage, 'node_modules');
const copied = new Set();
/** The folder Node would load `name` from when required in `fromDir` (node_modules up the tree). */
function findPackage(name, fromDir) {
  for (let d = fromDir; ; d = dirname(d)) {
    const cand = join(d, 'node_modules', name, 'package.json');
    if (existsSync(cand)) return realpathSync(dirname(cand));
    if (dirname(d) === d) fail(`cannot resolve ${name} from ${relative(root, fromDir)}`);
  }
}
function copyPackage(name, fromDir) {
  if (copied.has(name)) return;
  let dir = findPackage(name, fromDir);
  copied.add(name);
  cpSync(dir, join(nm, name), { recursive: true, dereference: true, filter: (f) => !/[/\\](test|tests|docs?|\.github)$/.test(f) && !f.endsWith('.md') && !f.endsWith('.map') });
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) copyPackage(dep, dir);
}
copyPackage('commander', join(root, 'bench'));
copyPackage('node-gyp-build', join(root, 'packages/quadra-lib'));
copyPackage('node-addon-api', join(root, 'native'));
// node-api-headers comes with cmake-js (not shipped: cmake is called directly there)
const cmakeJs = findPackage('cmake-js', join(root, 'packages/quadra-lib'));
copyPackage('node-api-headers', cmakeJs);
mkdirSync(join(nm, '@quadranet'), { recursive: true });
for (const [n, p] of [['lib', 'quadra-lib'], ['core', 'quadra-core'], ['models', 'quadra-models']]) symlinkSync(`../../packages/${p}`, join(nm, '@quadranet', n));

const tar = join(out, 'app.tar.xz');
execFileSync('tar', ['-C', stage, '-cJf', tar, '.'], { env: { ...process.env, XZ_OPT: '-T2 -9' } });
rmSync(stage, { recursive: true, force: true });

if (!keepNode) {
  execFileSync('sh', ['-c', `xz -T2 -9 -c "${nodeBin}" > "${nodeXz}"`]);
  writeFileSync(join(out, 'node.xz.src'), nodeStamp);
}

const size = (f) => statSync(join(out, f)).size;
const total = size('node.xz') + size('app.tar.xz');
const mb = (b) => (b / 2 ** 20).toFixed(1) + ' MiB';
const manifest = [
  `node ${process.version} (${nodeBin}): node.xz ${mb(size('node.xz'))}`,
  `app.tar.xz ${mb(size('app.tar.xz'))}: packages/{quadra-lib,quadra-core,quadra-models}/dist, bench/dist/gpu, node_modules: ${[...copied].join(', ')}${withCpu ? ', prebuilds/linux-x64' : ''}`,
  `total ${mb(total)}`,
  `made ${new Date().toISOString()} from ${execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()} (plus the working tree)`,
].join('\n');
writeFileSync(join(out, 'MANIFEST.txt'), manifest + '\n');
console.log(manifest);
if (total > LIMIT) fail(`the bundle is ${mb(total)}, over ${mb(LIMIT)}: the travelling tree would not fit`);
