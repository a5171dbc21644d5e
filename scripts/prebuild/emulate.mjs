// The installed prebuilds under qemu-user: x86-64 CPUs without AVX-512 (Haswell: AVX2) and without
// AVX2 (Nehalem: SSE4.2), and arm64 with plain NEON (cortex-a72) and with SVE (qemu's `max`).
// Each run is the smoke test of smoke.mjs; the SIMD target picked must be the one the CPU allows.
// Runs marked `onnx` also run the inference check of onnx-check.mjs there: the installed
// `quadra infer` and `quadra export --onnx` on a small checkpoint, and onnxruntime-node's binding for
// that platform on the exported model, whose logits must equal quadra infer's (and those the
// host's) within 1e-4 relative L2 (correctness only: timings under qemu mean nothing).
// OPENBLAS_CORETYPE and friends are removed: the binaries must pick safe kernels on their own.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { onnxCheck, prepareOnnxCheck } from './onnx-check.mjs';
import { runSmoke } from './smoke-run.mjs';
import { ensureArm64Node, ensureSysroot } from './sysroot.mjs';

const RUNS = {
  x64: [
    // Highway's SSE4 target also wants AES and CLMUL: Nehalem (SSE4.2 without them) gets SSSE3.
    { cpu: 'Nehalem', simd: /^SSSE3$/, note: 'SSE4.2 without AES/CLMUL, no AVX', onnx: true },
    { cpu: 'Westmere', simd: /^SSE4$/, note: 'SSE4.2 + AES + CLMUL, no AVX' },
    { cpu: 'Haswell', simd: /^AVX2$/, note: 'AVX2 + FMA, no AVX-512' },
  ],
  arm64: [
    { cpu: 'cortex-a72', simd: /^NEON/, conv: /^NEON/, note: 'plain NEON', onnx: true },
    { cpu: 'max', simd: /^SVE/, conv: /^NEON/, note: 'SVE/SVE2 (conv kernels on NEON)', onnx: true },
  ],
};

export function emulate(root, project, arches) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(OPENBLAS_|GOTO|QUADRA_)/.test(k)) delete env[k];
  const rows = [];
  const onnx = arches.some((a) => RUNS[a].some((r) => r.onnx)) ? prepareOnnxCheck(root, project, arches, env) : null;
  for (const arch of arches) {
    let cmd, base;
    if (arch === 'x64') {
      cmd = 'qemu-x86_64';
      base = [process.execPath];
    } else {
      const sysroot = ensureSysroot(join(root, '.tools'));
      cmd = 'qemu-aarch64';
      base = ['-L', sysroot, ensureArm64Node(join(root, '.tools'))];
    }
    for (const run of RUNS[arch]) {
      const t0 = Date.now();
      const label = `linux-${arch} under ${cmd} -cpu ${run.cpu} (${run.note})`;
      const res = runSmoke(label, cmd, ['-cpu', run.cpu, ...base, 'smoke.mjs'],
        { cwd: project.dir, env: { ...env, QUADRA_NUM_THREADS: '2' }, timeout: 15 * 60 * 1000 });
      const problems = [...res.failures];
      if (!res.platform.endsWith(arch)) problems.push(`ran as ${res.platform}`);
      if (!run.simd.test(res.simd)) problems.push(`SIMD target ${res.simd}, expected ${run.simd}`);
      if (run.conv && !run.conv.test(res.convSimd)) problems.push(`conv SIMD target ${res.convSimd}, expected ${run.conv}`);
      if (problems.length) throw new Error(`${label}: ${problems.join('; ')}`);
      // `quadra info` there, as a user would read it (the bin of @quadranet/cli).
      const cli = join(project.dir, 'node_modules', '@quadranet', 'cli', 'dist', 'cli.js');
      const shown = spawnSync(cmd, ['-cpu', run.cpu, ...base, cli, 'info'], { cwd: project.dir, env, encoding: 'utf8' });
      const simdLine = (shown.stdout ?? '').split('\n').filter((l) => /simd|conv/.test(l)).map((l) => l.trim());
      if (shown.status !== 0 || !simdLine.some((l) => l.includes(res.simd))) throw new Error(`${label}: quadra info did not show ${res.simd}:\n${shown.stdout}${shown.stderr}`);
      console.error(`[prebuild]   quadra info: ${simdLine.join(' | ')}`);
      const inference = run.onnx ? onnxCheck(onnx.ctx, label, cmd, ['-cpu', run.cpu, ...base], env, `${arch}-${run.cpu}`, arch) : null;
      const secs = ((Date.now() - t0) / 1000).toFixed(0);
      rows.push(`| linux-${arch} | qemu -cpu ${run.cpu} | ${run.note} | ${res.simd} | ${res.convSimd} | ${res.gemm} | ${res.checks} passed | ${inference ? `${inference.summary} (${inference.secs.toFixed(0)} s)` : ''} | ${secs} s |`);
      console.error(`[prebuild] ${label}: ${res.checks} checks passed, SIMD ${res.simd} (conv ${res.convSimd}), ${secs} s`);
    }
  }
  console.log('\n| prebuild | run | CPU | SIMD picked | conv SIMD | GEMM | smoke | infer + ONNX (rel L2) | time |\n|---|---|---|---|---|---|---|---|---|');
  console.log(`| linux-x64 | native | this machine | ${project.simd} | | | passed | ${onnx ? `${onnx.native.summary} (${onnx.native.secs.toFixed(0)} s)` : ''} | |`);
  for (const r of rows) console.log(r);
}
