/**
 * The peers of the quadconv, quadrablock and train-speed benches compute what we compute before
 * they are timed: PyTorch (Debian's python3-torch, when importable) on our inputs and weights gives
 * our outputs within 1e-4 relative L2, the tfjs block peers on our block's weights too; a peer whose
 * outputs differ is 'failed' and not timed, a missing torch is 'absent' (said plainly), and a
 * reference BLAS behind libblas.so.3 is reported as no fair peer. Tiny shapes, one run: no timing
 * is asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { allocFloat32, quadconv2d } from '@quadranet/lib';
import { describe, expect, it } from 'vitest';

import { benchBlock } from '../src/block.js';
import type { Machine } from '../src/machine.js';
import { runTorchPeer, TORCH_PYTHON, torchFairness, type TorchCall } from '../src/torch-peer.js';
import { benchTrainSpeed } from '../src/train-speed.js';

const hasTorch = spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const machine: Machine = { cpu: 'test', cores: 1, simd: 'test', threads: 1, peakGflops: 100, peakReadings: [100], probe: () => 100 };

/** A 1×5×5×3 k3 quadconv call for peer_quadconv.py, with our forward output as the expected y. */
function quadCall(): TorchCall & { y: Float32Array } {
  const s = { n: 1, h: 5, w: 5, c: 3 }, k = 3;
  const v = (len: number, seed: number) => Float32Array.from({ length: len }, (_, i) => Math.sin(i * 0.7 + seed));
  const x = v(75, 1), dy = v(75, 2);
  const w = { wa: v(27, 3), ba: v(3, 4), wb: v(27, 5), bb: v(3, 6), wc: v(27, 7), bc: v(3, 8) };
  const y = allocFloat32(75);
  quadconv2d(x, s, w, k, { out: y });
  const nhwc = [1, 5, 5, 3], f = [3, 3, 3], b = [3];
  return {
    y, script: 'peer_quadconv.py', threads: 1, args: ['--n', 1, '--h', 5, '--w', 5, '--c', 3, '--k', 3, '--runs', 1, '--warmup', 0],
    tensors: {
      x: { data: x, shape: nhwc }, dy: { data: dy, shape: nhwc }, wa: { data: w.wa, shape: f }, wb: { data: w.wb, shape: f }, wc: { data: w.wc, shape: f },
      ba: { data: w.ba, shape: b }, bb: { data: w.bb, shape: b }, bc: { data: w.bc, shape: b },
    },
    expect: { 'y.f32': y },
  };
}

describe('PyTorch peer: presence and fairness', () => {
  it.skipIf(!existsSync(TORCH_PYTHON))('a torch that does not import is reported absent, not as a failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-torch-'));
    mkdirSync(join(dir, 'torch'));
    writeFileSync(join(dir, 'torch', '__init__.py'), 'raise ImportError("no torch here")\n');
    const saved = process.env.PYTHONPATH;
    process.env.PYTHONPATH = dir;
    try {
      const r = runTorchPeer(quadCall());
      expect(r.status).toBe('absent');
      if (r.status === 'absent') expect(r.message).toMatch(/import torch failed: no torch here/);
    } finally {
      if (saved === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(TORCH_PYTHON))('the peers tell OpenBLAS, MKL and the reference BLAS apart by the libraries mapped', () => {
    const classify = (paths: string[]) => {
      const r = spawnSync(TORCH_PYTHON, ['-c', `import json, sys; from peer_common import classify_blas; print(json.dumps(classify_blas(json.loads(sys.argv[1]))))`, JSON.stringify(paths)], {
        cwd: fileURLToPath(new URL('../python/', import.meta.url)), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { kind: string; fair: boolean };
    };
    expect(classify(['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0', '/usr/lib/libc.so.6'])).toMatchObject({ kind: 'reference', fair: false });
    expect(classify(['/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so'])).toMatchObject({ kind: 'openblas', fair: true });
    expect(classify(['/opt/intel/lib/libmkl_rt.so.2'])).toMatchObject({ kind: 'mkl', fair: true });
    expect(classify(['/usr/lib/libc.so.6'])).toMatchObject({ kind: 'none-mapped', fair: false });
  });

  it('the reference BLAS is named as no fair peer; OpenBLAS is named as it is', () => {
    const ref = torchFairness({ torch: '1.13', threads: 2, blas: { kind: 'reference', libraries: ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0'], fair: false } });
    expect(ref).toMatch(/NOT A FAIR PEER: libblas\.so\.3 is the reference BLAS \(.*blas\/libblas\.so/);
    const ob = torchFairness({ torch: '1.13', threads: 2, blas: { kind: 'openblas', libraries: ['/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3'], fair: true } });
    expect(ob).toBe('PyTorch 1.13 on 2 threads, libblas.so.3 = openblas (/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3)');
  });
});

describe.skipIf(!hasTorch)('PyTorch peer computes what we compute (python3-torch installed)', () => {
  it('quadconv: y matches ours; a wrong expected output is FAILED and not timed', () => {
    const call = quadCall();
    const ok = runTorchPeer(call);
    expect(ok.status).toBe('ok');
    if (ok.status !== 'ok') return;
    expect(ok.errors.y).toBeLessThan(1e-6);
    expect(ok.report.blas?.kind).toBeTypeOf('string');
    expect(ok.report.malloc).toEqual({ MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '4294967296' });
    expect(ok.report.threads).toBe(1);
    const wrong = call.y.map((v, i) => (i === 0 ? v + 1 : v));
    const bad = runTorchPeer({ ...call, expect: { 'y.f32': wrong } });
    expect(bad.status).toBe('failed');
    if (bad.status === 'failed') expect(bad.message).toMatch(/^FAILED numerics check: y relative L2 .* > 0\.0001; not timed$/);
  });

  it.each(['quadra', 'conv'] as const)('%s block: PyTorch and tfjs-cpu give our output on our weights', async (kind) => {
    const r = await benchBlock(kind, 1, 6, 6, 8, 3, { runs: 1, warmup: 0, peers: ['pytorch', 'tfjs-cpu'], peerBudgetMs: 1, threads: 1 }, machine);
    for (const peer of ['pytorch', 'tfjs-cpu']) {
      expect(r.peers[peer].status, r.peers[peer].note).toBe('ok');
      expect(r.peers[peer].rel_err!.y).toBeLessThan(1e-5);
      expect(r.peers[peer].fwdbwd_vs_ours).toBeGreaterThan(0);
    }
    expect(r.peers.pytorch.peak_rss_bytes).toBeGreaterThan(0);
    expect(r.peak_rss_bytes).toBeGreaterThan(0);
  });

  it('train-speed: the Fashion-MNIST net in PyTorch gives our logits, then both train', () => {
    const r = benchTrainSpeed({ model: 'quadranet25_xxs', depths: [1, 1, 2, 1], width: 8, stem: 'patch2', size: 28, batch: 2, classes: 10, steps: 1, warmup: 0, peers: ['pytorch'], threads: 1 });
    const p = r.peers.pytorch;
    expect(p.status, p.note).toBe('ok');
    expect(p.rel_err!.logits).toBeLessThan(1e-5);
    expect(r.dims).toEqual([8, 16, 32, 64]);
    for (const e of [r.ours, p]) {
      expect(e.images_per_s).toBeGreaterThan(0);
      expect(e.cpu_utilisation).toBeGreaterThan(0);
      expect(e.peak_rss_bytes).toBeGreaterThan(0);
    }
    expect(p.ours_vs_peer).toBeCloseTo(r.ours.images_per_s / p.images_per_s!, 9);
  });
});
