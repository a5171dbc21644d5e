// The inference check (issue 19, item 5) inside the installed test project, run by emulate.mjs:
// - on the host, once: a small QuadraNet checkpoint from the installed CLI (`quadra train`, zoo
//   quadranet25_xxs on synthetic 28×28×1 data, two steps), its layer scales set by onnx-fixture.mjs
//   so every block counts, and a seeded input (batch 2); onnxruntime-node, the version the repository
//   pins, npm-installed into a side folder with its download disabled (its tarball carries the
//   linux x64 and arm64 bindings);
// - per run (natively, or under qemu with a CPU model): `quadra infer --checkpoint` writes the
//   logits, `quadra export --onnx` the model, and onnx-compare.mjs runs that model with the
//   onnxruntime-node binding of the platform being run: its logits must equal quadra infer's, and
//   quadra infer's the host's, within 1e-4 relative L2.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { machine } from './elf.mjs';

const MODEL = 'quadranet25_xxs';
const INPUT = [2, 1, 28, 28]; // N, C, H, W (the synthetic set is 28×28, one channel)
const ELF_MACHINE = { x64: 'Advanced Micro Devices X86-64', arm64: 'AArch64' };
const TIMEOUT = 10 * 60 * 1000;

function run(label, cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: TIMEOUT, ...opts });
  if (r.status !== 0) {
    throw new Error(`${label}: ${[cmd, ...args].join(' ')} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout ?? ''}${r.stderr ?? ''}`.slice(0, 6000));
  }
  return r.stdout;
}

/** npm-installs the pinned onnxruntime-node into <work>/onnxruntime; checks its bindings for `arches`. */
function installOrt(root, project, arches, env) {
  const spec = JSON.parse(readFileSync(join(root, 'packages', 'quadra-cli', 'package.json'), 'utf8')).devDependencies['onnxruntime-node'];
  const dir = join(project.work, 'onnxruntime');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'quadra-onnx-check', private: true }));
  const npmEnv = { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
  for (const k of Object.keys(npmEnv)) if (/^(npm_|PNPM_|INIT_CWD)/i.test(k)) delete npmEnv[k];
  run('onnxruntime-node install', 'npm', ['install', '--no-audit', '--no-fund', '--cache', join(project.work, 'npm-cache'), `onnxruntime-node@${spec}`], { cwd: dir, env: npmEnv });
  const pkg = join(dir, 'node_modules', 'onnxruntime-node');
  const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
  for (const arch of arches) {
    const napi = readdirSync(join(pkg, 'bin')).filter((d) => d.startsWith('napi-v'));
    const found = napi.map((d) => join(pkg, 'bin', d, 'linux', arch)).filter((d) => existsSync(join(d, 'onnxruntime_binding.node')));
    if (!found.length) throw new Error(`onnxruntime-node ${version} has no linux-${arch} binding in ${join(pkg, 'bin')}`);
    for (const f of readdirSync(found[0]).filter((x) => /\.node$|\.so(\.\d+)*$/.test(x))) {
      const m = machine(join(found[0], f));
      if (m !== ELF_MACHINE[arch]) throw new Error(`onnxruntime-node ${version}: ${join(found[0], f)} is built for ${m}, not ${ELF_MACHINE[arch]}`);
    }
  }
  return { dir, version };
}

/**
 * Makes the checkpoint, the input and the onnxruntime-node folder, then runs the check natively on
 * the host (whose logits are the reference of every later run). Returns the context for onnxCheck.
 */
export function prepareOnnxCheck(root, project, arches, env) {
  const t0 = Date.now();
  const dir = join(project.dir, 'onnx-check');
  mkdirSync(dir, { recursive: true });
  for (const f of ['onnx-fixture.mjs', 'onnx-compare.mjs']) copyFileSync(join(root, 'scripts', 'prebuild', f), join(project.dir, f));
  const cli = join(project.dir, 'node_modules', '@quadranet', 'cli', 'dist', 'cli.js');
  const host = { cwd: project.dir, env };
  run('quadra train', process.execPath, [cli, 'train', '--model', MODEL, '--dataset', 'synthetic', '--epochs', '1', '--batch-size', '64',
    '--limit', '128', '--workers', '0', '--out', dir, '--json'], host);
  run('onnx-fixture.mjs', process.execPath, ['onnx-fixture.mjs', dir, ...INPUT.map(String)], host);
  const ort = installOrt(root, project, [...new Set([process.arch, ...arches])], env);
  const ctx = { project: project.dir, dir, cli, checkpoint: join(dir, 'checkpoint.safetensors'), input: join(dir, 'x.safetensors'), ort, reference: null };
  const native = onnxCheck(ctx, `linux-${process.arch} native`, process.execPath, [], env, `${process.arch}-native`, process.arch);
  ctx.reference = native.logits;
  console.error(`[prebuild] inference check ready: ${MODEL} [${INPUT.join(', ')}], onnxruntime-node ${ort.version}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { ctx, native };
}

/**
 * `quadra infer` + `quadra export --onnx` + onnxruntime-node, through `cmd ...prefix` (node itself,
 * or qemu and its arguments before node). Throws on a failure or a mismatch; returns the figures.
 */
export function onnxCheck(ctx, label, cmd, prefix, env, tag, arch) {
  const t0 = Date.now();
  const logits = join(ctx.dir, `logits-${tag}.safetensors`);
  const model = join(ctx.dir, `model-${tag}.onnx`);
  const opts = { cwd: ctx.project, env };
  run(`${label}: quadra infer`, cmd, [...prefix, ctx.cli, 'infer', '--checkpoint', ctx.checkpoint, '--input', ctx.input, '--output', logits], opts);
  run(`${label}: quadra export`, cmd, [...prefix, ctx.cli, 'export', '--checkpoint', ctx.checkpoint, '--onnx', model, '--batch', String(INPUT[0])], opts);
  const args = [...prefix, 'onnx-compare.mjs', ctx.ort.dir, model, ctx.input, logits, ...(ctx.reference ? [ctx.reference] : [])];
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: TIMEOUT, ...opts });
  let res;
  try {
    res = JSON.parse((r.stdout ?? '').trim().split('\n').pop());
  } catch {
    throw new Error(`${label}: onnx-compare.mjs printed no result (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`.slice(0, 6000));
  }
  const problems = [...res.failures];
  if (res.platform !== `linux-${arch}`) problems.push(`onnxruntime ran as ${res.platform}`);
  if (!res.binding.includes(`/linux/${arch}/`)) problems.push(`onnxruntime loaded ${res.binding}`);
  if (r.status !== 0 && !problems.length) problems.push(`onnx-compare.mjs exited ${r.status}: ${r.stderr}`);
  if (problems.length) throw new Error(`${label}: inference check (quadra infer, quadra export --onnx, onnxruntime-node): ${problems.join('; ')}`);
  const secs = (Date.now() - t0) / 1000;
  const vs = res.relRef === null ? '' : `, quadra infer vs host ${res.relRef.toExponential(1)}`;
  const summary = `ORT vs quadra infer ${res.relOrt.toExponential(1)}${vs}`;
  console.error(`[prebuild] ${label}: quadra infer = onnxruntime-node ${ctx.ort.version} (linux-${arch} binding): ${summary}; ${secs.toFixed(0)} s`);
  return { ...res, logits, secs, summary };
}
