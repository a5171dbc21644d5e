/**
 * Data-parallel `quadra train` on this machine (loopback, 1 thread per process): N processes with
 * global batch B take the same steps as one process with batch B; a rank that dies or never joins
 * makes the run fail with one clear line, never hang. Skipped where the collectives module was not
 * built (no libgloo-dev).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { readSafetensors } from '@quadranet/core';
import { distModulePaths } from '@quadranet/lib';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const built = distModulePaths().some((p) => existsSync(p));
const tmp = mkdtempSync(join(tmpdir(), 'quadra-dp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// 20 steps of 32 synthetic images; drop path off (its masks are drawn per rank)
const TRAIN = ['train', '--model', 'quadranet25_xxs', '--dataset', 'synthetic', '--depths', '1,1', '--width', '8', '--limit', '640',
  '--batch-size', '32', '--epochs', '1', '--drop-path', '0', '--threads', '1', '--workers', '0'];

function train(extra: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...TRAIN, ...extra], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
}

function stepLosses(stdout: string): number[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string; loss: number })
    .filter((e) => e.event === 'step').map((e) => e.loss);
}

describe.skipIf(!built)('quadra train --nproc (Gloo on loopback)', () => {
  it('2 processes with global batch 32 match 1 process with batch 32: losses and weights over 20 steps', () => {
    const one = train(['--json', '--out', join(tmp, 'one')]);
    const two = train(['--json', '--out', join(tmp, 'two'), '--nproc', '2', '--bucket-mb', '0.01']);
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    const a = stepLosses(one.stdout);
    const b = stepLosses(two.stdout);
    expect(a.length).toBe(20);
    expect(b.length).toBe(20); // only rank 0 reports
    for (let i = 0; i < 20; i++) expect(Math.abs(a[i] - b[i]), `step ${i + 1}`).toBeLessThan(1e-5);
    const wa = readSafetensors(join(tmp, 'one', 'checkpoint.safetensors')).tensors;
    const wb = readSafetensors(join(tmp, 'two', 'checkpoint.safetensors')).tensors;
    expect([...wb.keys()]).toEqual([...wa.keys()]);
    let worst = 0;
    for (const [name, t] of wa) {
      if (!name.startsWith('model.')) continue;
      const u = wb.get(name)!.data;
      for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - u[i]));
    }
    expect(worst).toBeLessThan(1e-5);
    // only rank 0 wrote into --out (no second checkpoint, no stray temporaries)
    expect(readdirSync(join(tmp, 'two')).sort()).toEqual(readdirSync(join(tmp, 'one')).sort());
  });

  it('--resume continues a 2-process run with 1 process', () => {
    const r = train(['--out', join(tmp, 'two'), '--resume', '--epochs', '2']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(tmp, 'two', 'metrics.json'), 'utf8')).history).toHaveLength(2);
  });

  it('ranks that would resume from different checkpoints (an --out not shared) both stop with one line', async () => {
    const env = { ...process.env, WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29812' };
    const run = (rank: number, out: string) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [CLI, ...TRAIN, '--resume', 'auto', '--epochs', '3', '--dist-timeout', '30', '--out', out], { env: { ...env, RANK: String(rank) } });
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.on('exit', (code) => resolve({ code, stderr }));
    });
    // rank 0 finds the 2-epoch checkpoint of the run above, rank 1 an empty folder
    const [r0, r1] = await Promise.all([run(0, join(tmp, 'two')), run(1, join(tmp, 'elsewhere'))]);
    for (const r of [r0, r1]) {
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/the ranks do not resume from the same point .* put --out on storage all machines share/);
    }
    expect(r0.stderr).toMatch(/rank 0: .*epoch 2/);
    expect(r1.stderr).toMatch(/rank 1: .*epoch 0/);
  });

  it('a killed rank makes the run fail with one line naming the cause, within the timeout', async () => {
    const child = spawn(process.execPath, [CLI, ...TRAIN, '--json', '--limit', '2048', '--epochs', '3', '--nproc', '2', '--dist-timeout', '20', '--out', join(tmp, 'kill')], { env: process.env });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      let killed = false;
      child.stdout.on('data', (d) => {
        out += d;
        if (killed || !out.includes('"event":"step"')) return;
        killed = true;
        // rank 1 is the supervisor's child whose environment says RANK=1
        for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
          try {
            const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            if (ppid === child.pid && readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes('RANK=1')) process.kill(Number(pid), 'SIGKILL');
          } catch {
            // a process that ended meanwhile
          }
        }
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    // --json: the failure is the last line of rank 0's output, as one error object
    const last = JSON.parse(out.trim().split('\n').pop()!) as { error: { code: string; message: string } };
    expect(last.error.code).toBe('QUADRA_DIST');
    expect(last.error.message).toMatch(/rank 0 of 2: a collective failed \(a rank exited, was killed or stopped answering within 20000 ms\)/);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a rank that never joins: the others stop at the rendezvous after --dist-timeout with one line', () => {
    const r = train(['--out', join(tmp, 'alone'), '--dist-timeout', '1'], { RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29811' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/timed out after 1000 ms waiting for key .* not every rank joined/);
  });

  it('--nproc under a launcher is an error naming both', () => {
    const r = train(['--nproc', '2'], { RANK: '0', WORLD_SIZE: '2' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--nproc 2 starts its own processes, but this one already belongs to a launched run \(WORLD_SIZE=2\)/);
  });
});
