import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cudaModulePaths, distModulePaths } from '@quadranet/lib';
import { describe, expect, it } from 'vitest';
import * as q from '../src/index.js';

const { launchEnv, initProcessGroup, GradientReducer } = q.distributed;

describe('launchEnv', () => {
  it('reads torchrun, Open MPI, PMI and Slurm variables, in that order, and defaults to a world of one', () => {
    expect(launchEnv({})).toEqual({ rank: 0, worldSize: 1, localRank: 0, masterAddr: '127.0.0.1', masterPort: 29500, storePort: 29500, runId: '', launcher: 'none' });
    expect(launchEnv({ RANK: '3', WORLD_SIZE: '4', LOCAL_RANK: '1', MASTER_ADDR: 'node7', MASTER_PORT: '1234', TORCHELASTIC_RUN_ID: 'job9' }))
      .toEqual({ rank: 3, worldSize: 4, localRank: 1, masterAddr: 'node7', masterPort: 1234, storePort: 1234, runId: 'job9', launcher: 'torchrun' });
    // torchrun's agent serving its own store on MASTER_PORT: ours moves to the next port
    expect(launchEnv({ RANK: '0', WORLD_SIZE: '2', MASTER_PORT: '1234', TORCHELASTIC_USE_AGENT_STORE: 'True' }).storePort).toBe(1235);
    expect(launchEnv({ OMPI_COMM_WORLD_RANK: '1', OMPI_COMM_WORLD_SIZE: '2', OMPI_COMM_WORLD_LOCAL_RANK: '1' }).launcher).toBe('mpirun');
    expect(launchEnv({ PMI_RANK: '0', PMI_SIZE: '2' })).toMatchObject({ rank: 0, worldSize: 2, launcher: 'pmi' });
    expect(launchEnv({ SLURM_STEP_ID: '0', SLURM_PROCID: '5', SLURM_STEP_NUM_TASKS: '8', SLURM_LOCALID: '1' })).toMatchObject({ rank: 5, worldSize: 8, localRank: 1, launcher: 'slurm' });
    // a batch script or salloc shell (no srun step) is one process, whatever the allocation's size
    expect(launchEnv({ SLURM_PROCID: '0', SLURM_NTASKS: '4', SLURM_STEP_NUM_TASKS: '4' }).worldSize).toBe(1);
    // torchrun's variables win over a surrounding Slurm step's
    expect(launchEnv({ RANK: '0', WORLD_SIZE: '2', SLURM_STEP_ID: '0', SLURM_PROCID: '5', SLURM_STEP_NUM_TASKS: '8' }).launcher).toBe('torchrun');
  });

  it('names the variable when a value is bad or one of a pair is missing', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ RANK: '2', WORLD_SIZE: '2' }, /RANK="2".*\[0, 1\]/],
      [{ RANK: '-1', WORLD_SIZE: '2' }, /RANK/],
      [{ RANK: '0', WORLD_SIZE: 'two' }, /WORLD_SIZE="two"/],
      [{ RANK: '0' }, /WORLD_SIZE is not/],
      [{ WORLD_SIZE: '2' }, /RANK is not/],
      [{ MASTER_PORT: '70000' }, /MASTER_PORT="70000"/],
    ];
    for (const [env, msg] of bad) {
      let err: unknown;
      try {
        launchEnv(env);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(env)).toBeInstanceOf(q.EnvironmentError);
      expect((err as Error).message).toMatch(msg);
    }
  });
});

describe('a world of one', () => {
  it('makes every collective the identity and needs no collectives module', async () => {
    const pg = await initProcessGroup({ env: {} });
    expect([pg.rank, pg.worldSize, pg.backend]).toEqual([0, 1, 'local']);
    const t = q.tensor([1, 2, 3], [3]);
    pg.allReduce(t, 'mean');
    pg.broadcast(t, 0);
    pg.barrier();
    expect(Array.from(t.data())).toEqual([1, 2, 3]);
    expect(() => pg.broadcast(t, 1)).toThrow(/root must be a rank in \[0, 1\), got 1/);
    expect(() => pg.allReduce(t, 'max' as 'sum')).toThrow(/op must be 'sum' or 'mean'/);
    pg.destroy();
    expect(() => pg.allReduce(t)).toThrow(q.DistError);
  });

  it('rejects bad options with the argument named', async () => {
    await expect(initProcessGroup({ env: {}, rank: 2, worldSize: 2 })).rejects.toThrow(/rank must be an integer in \[0, 2\), got 2/);
    await expect(initProcessGroup({ env: {}, timeoutMs: 0 })).rejects.toThrow(/timeoutMs must be a positive integer/);
    await expect(initProcessGroup({ env: {}, backend: 'mpi' as 'gloo' })).rejects.toThrow(/backend must be 'gloo' or 'nccl'/);
  });
});

describe('the NCCL backend (never run on a GPU: no multi-GPU machine has been available)', () => {
  it('loads NCCL only when asked, and its absence (or no GPU) is one clear error before any rank waits', async () => {
    const t0 = Date.now();
    const err = await initProcessGroup({ env: {}, backend: 'nccl', rank: 0, worldSize: 2, masterPort: 29999, timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(10_000); // failed at once, not at the rendezvous timeout
    expect(err).toBeInstanceOf(q.QuadraError);
    expect((err as Error).message).toMatch(/CUDA|NCCL|libnccl/);
  });

  it('the CUDA module reports where it looked for libnccl.so.2 (where the module is built)', () => {
    const file = cudaModulePaths().find((p) => existsSync(p));
    if (!file) return;
    const mod = createRequire(import.meta.url)(file) as { ncclStatus(): { available: boolean; reason: string } };
    const st = mod.ncclStatus();
    expect(typeof st.available).toBe('boolean');
    if (!st.available) expect(st.reason).toMatch(/libnccl\.so\.2[\s\S]*QUADRA_NCCL_PATH/);
    else expect(st.reason).toMatch(/^NCCL \d/);
  });

  it('a world of one needs neither NCCL nor a GPU', async () => {
    const pg = await initProcessGroup({ env: {}, backend: 'nccl' });
    expect(pg.backend).toBe('local');
    pg.destroy();
  });
});

describe('backward onGradReady', () => {
  it('reports each leaf once, after its last contribution, with the final gradient', () => {
    const w = q.tensor([1, 2, 3, 4], [2, 2]).requireGrad();
    const v = q.tensor([0.5, -1], [2]).requireGrad();
    const unused = q.tensor([1], [1]).requireGrad();
    const seen: [string, number[]][] = [];
    // w is used twice (two contributions); v once; `unused` never
    const x = q.tensor([1, 1], [1, 2]);
    const y = q.sum(q.add(q.mul(q.matmul(x, w), v), q.matmul(x, w)));
    y.backward(undefined, {
      onGradReady: (leaf) => seen.push([leaf === w ? 'w' : leaf === v ? 'v' : '?', Array.from(leaf.grad!.data())]),
    });
    expect(seen.map((s) => s[0]).sort()).toEqual(['v', 'w']);
    const wAtReady = seen.find((s) => s[0] === 'w')![1];
    expect(wAtReady).toEqual(Array.from(w.grad!.data()));
    expect(wAtReady).toEqual([1.5, 0, 1.5, 0]);
    expect(unused.grad).toBeNull();
  });
});

describe('GradientReducer in a world of one', () => {
  it('packs parameters into buckets in reverse order and weights the gradients', async () => {
    const pg = await initProcessGroup({ env: {} });
    const ps = [q.tensor([1, 2], [2]).requireGrad(), q.tensor([3], [1]).requireGrad(), q.tensor([4, 5, 6], [3]).requireGrad()];
    const red = new GradientReducer(pg, ps, { bucketMb: 8 / (1024 * 1024) }); // 8 bytes: [p2], [p1, p0]
    expect(red.bucketCount).toBe(2);
    red.begin(0.5);
    const y = q.sum(q.add(q.sum(q.mul(ps[0], ps[0])), q.add(q.sum(ps[1]), q.sum(ps[2]))));
    y.backward(undefined, { onGradReady: red.onGradReady });
    red.finish();
    expect(Array.from(ps[0].grad!.data())).toEqual([1, 2]); // 2x / 2
    expect(Array.from(ps[1].grad!.data())).toEqual([0.5]);
    expect(Array.from(ps[2].grad!.data())).toEqual([0.5, 0.5, 0.5]);
    expect(() => red.finish()).toThrow(/begin\(\) was not called/);
    expect(() => red.begin(2)).toThrow(/weight must be in \[0, 1\]/);
  });
});

// ---- two processes on loopback (skipped where quadra_collectives.node was not built: no libgloo-dev) ----
const built = distModulePaths().some((p) => existsSync(p));
const RANK_SCRIPT = fileURLToPath(new URL('./fixtures/dist-rank.mjs', import.meta.url));
let nextPort = 29600 + (process.pid % 200) * 2;

type Line = Record<string, unknown>;
function runRanks(scenario: string, size = 2, extra: Record<string, string> = {}, only?: number[]): Promise<{ code: number | null; lines: Line[]; stderr: string }[]> {
  const port = nextPort++;
  const ranks = only ?? Array.from({ length: size }, (_, i) => i);
  return Promise.all(ranks.map((rank) => new Promise<{ code: number | null; lines: Line[]; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [RANK_SCRIPT, scenario], {
      env: { ...process.env, QUADRA_NUM_THREADS: '1', RANK: String(rank), WORLD_SIZE: String(size), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), ...extra },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, lines: out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line), stderr: err }));
  })));
}

describe.skipIf(!built)('two processes over Gloo (loopback)', () => {
  it('allReduce (sum, mean, float64), broadcast and barrier agree on both ranks', async () => {
    const rs = await runRanks('collectives');
    for (const [rank, r] of rs.entries()) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.lines[0]).toEqual({ rank, size: 2, launcher: 'torchrun', bad: [0, 0, 0, 0, 0], mean: [1, 4], bcast: 11, f64: expect.closeTo(0.3, 12) });
    }
  });

  it('GradientReducer gives every rank the batch-weighted sum of the ranks\' gradients', async () => {
    const rs = await runRanks('reducer');
    for (const r of rs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.lines[0]).toMatchObject({ buckets: 2, w: [0.875, -1.75, 0.5, -1], v: [4.75, 7.5] });
    }
  });

  it('a killed rank makes the other fail with a DistError naming the cause, not hang', async () => {
    const rs = await runRanks('die', 2, { TEST_TIMEOUT_MS: '10000' });
    expect(rs[1].code).toBeNull(); // SIGKILL
    const e = rs[0].lines.find((l) => 'error' in l) as { error: { name: string; code: string; message: string }; ms: number };
    expect(e.error).toMatchObject({ name: 'DistError', code: 'QUADRA_DIST' });
    expect(e.error.message).toMatch(/rank 0 of 2: a collective failed/);
    expect(e.ms).toBeLessThan(10_000 + 5_000);
  });

  it('a rank that never joins makes the others time out at the rendezvous with a clear error', async () => {
    const rs = await runRanks('collectives', 2, { TEST_TIMEOUT_MS: '1500' }, [0]);
    expect(rs[0].code).toBe(1);
    expect(rs[0].lines[0]).toMatchObject({ error: { name: 'DistError', code: 'QUADRA_DIST' } });
    expect((rs[0].lines[0].error as { message: string }).message).toMatch(/timed out after 1500 ms waiting for key .* not every rank joined/);
  });
});
