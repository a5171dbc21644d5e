#!/usr/bin/env node
// `pnpm test:asan`: builds both native modules with AddressSanitizer + UndefinedBehaviorSanitizer
// (packages/quadra-lib/build-asan, never shipped) and runs the lib and core test suites on them.
//
// Node itself is not instrumented, so the ASan runtime is preloaded (LD_PRELOAD) and the module is
// picked by QUADRA_NATIVE_BUILD. Any ASan or UBSan report aborts the process that hit it (the
// test fails) and is also written under the log folder. LeakSanitizer runs at each process's exit
// with its exit code turned off: Node and V8 keep allocations alive on purpose, so the leak
// reports are sorted afterwards and only a leak allocated in our own code (a stack frame under
// native/) fails the run; the rest are counted and printed as Node's.
//
// Options: --no-build (use the existing sanitizer build), --logs DIR (default build-asan/logs),
// and any further arguments go to vitest (default: the lib and core test folders).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'packages', 'quadra-lib');
const build = join(lib, 'build-asan');
const args = process.argv.slice(2);
const take = (flag) => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const [, v] = args.splice(i, 2);
  return v;
};
const noBuild = args.includes('--no-build') ? (args.splice(args.indexOf('--no-build'), 1), true) : false;
const logs = resolve(take('--logs') ?? join(build, 'logs'));
const tests = args.length ? args : ['packages/quadra-lib/test', 'packages/quadra-core/test'];

function fail(msg) {
  console.error(`test:asan: ${msg}`);
  process.exit(1);
}

const asanLib = execFileSync('g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
if (!asanLib.startsWith('/') || !existsSync(asanLib)) fail(`g++ has no ASan runtime (it printed '${asanLib}'); Debian: apt-get install g++ (libasan8 comes with it)`);

if (!noBuild) {
  const cmakeJs = join(lib, 'node_modules', '.bin', 'cmake-js');
  const r = spawnSync(cmakeJs, ['compile', '-d', '../../native', '-O', 'build-asan', '--CDQUADRA_SANITIZE=address,undefined'], { cwd: lib, stdio: 'inherit' });
  if (r.status !== 0) fail(`the sanitizer build failed (exit ${r.status})`);
}
const modules = join(build, 'Release');
if (!existsSync(join(modules, 'quadra.node'))) fail(`${modules}/quadra.node is missing: run without --no-build`);

rmSync(logs, { recursive: true, force: true });
mkdirSync(logs, { recursive: true });
const env = {
  ...process.env,
  LD_PRELOAD: asanLib,
  QUADRA_NATIVE_BUILD: modules,
  // V8 handles its own SEGVs (wasm bounds, stack guards): ASan must leave that signal to it.
  ASAN_OPTIONS: `log_path=${logs}/asan:log_exe_name=1:handle_segv=0:allow_user_segv_handler=1:detect_leaks=1:abort_on_error=1:detect_odr_violation=0`,
  LSAN_OPTIONS: 'exitcode=0:report_objects=0:max_leaks=200',
  UBSAN_OPTIONS: `log_path=${logs}/ubsan:print_stacktrace=1:halt_on_error=1:abort_on_error=1`,
};
console.log(`test:asan: ${asanLib} preloaded, modules from ${modules}, reports in ${logs}`);
const vitest = join(root, 'node_modules', '.bin', 'vitest');
const run = spawnSync(vitest, ['run', ...tests], { cwd: root, env, stdio: 'inherit' });

// Sort the reports: sanitizer errors, our leaks, Node's leaks.
const errors = [];
let ours = 0;
let theirs = 0;
const ourLeaks = [];
for (const f of readdirSync(logs)) {
  const text = readFileSync(join(logs, f), 'utf8');
  for (const m of text.matchAll(/^(?:==\d+==ERROR: (?:AddressSanitizer|UndefinedBehaviorSanitizer).*|.*runtime error: .*)$/gm)) errors.push(`${f}: ${m[0]}`);
  for (const block of text.split(/\n(?=(?:Direct|Indirect) leak of )/)) {
    if (!/^(?:Direct|Indirect) leak of /.test(block)) continue;
    if (/\/native\/(?:cpu|binding|cuda|include)\//.test(block)) {
      ours++;
      ourLeaks.push(`${f}:\n${block.split('\n').slice(0, 12).join('\n')}`);
    } else theirs++;
  }
}
console.log(`\ntest:asan: vitest exit ${run.status}; sanitizer errors ${errors.length}; leaks from our code ${ours}; leaks outside it (Node, V8, libraries) ${theirs}`);
for (const e of errors) console.log(`  ${e}`);
for (const l of ourLeaks.slice(0, 10)) console.log(l);
process.exit(run.status !== 0 || errors.length || ours ? 1 : 0);
