/**
 * quadra.node in worker threads: 4 workers, started together, each load the native module
 * themselves (fixtures/native-worker.mjs, on the package's dist/ build) and run a GEMM and a
 * QuadraNet forward at the same time; every result equals the main thread's, bit for bit. The
 * kernel thread count is one setting for the process: one changed on the main thread after start
 * (setThreads, here to one more than QUADRA_NUM_THREADS says) is the workers' count too.
 */
import { Worker } from 'node:worker_threads';
import * as q from '@quadranet/core';
import { gemm, info, setThreads } from '@quadranet/lib';
import { describe, expect, it } from 'vitest';
import { architectureOf, createModel, SMALL_IMAGE_STEM } from '../src/index.js';

interface WorkerResult {
  backend: string;
  threads: number;
  c: Float32Array;
  logits: Float32Array;
  /** The forward run 8 times in a row: the workers' runs overlap (shared native state must not leak between them). */
  runs: Float32Array[];
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const random = (n: number, g: q.Generator) => Float32Array.from({ length: n }, () => g.normal());

describe('the native module in worker threads', () => {
  it('loads in 4 workers at once, whose GEMM and forward equal the main thread bit for bit', async () => {
    const threads = info().threads;
    setThreads(threads + 1);
    try {
      await compareWithWorkers(threads + 1);
    } finally {
      setThreads(threads);
    }
  });
});

async function compareWithWorkers(threads: number): Promise<void> {
  const g = new q.Generator(5);
  q.manualSeed(5);
  const dims = { m: 67, n: 129, k: 65 };
  const a = random(dims.m * dims.k, g);
  const b = random(dims.k * dims.n, g);
  const model = createModel('quadranet25_xxs', { numClasses: 10, inChannels: 1, stem: SMALL_IMAGE_STEM });
  const shape = [3, 20, 20, 1];
  const x = random(3 * 20 * 20, g);
  const weights = Object.fromEntries([...model.stateDict()].map(([k, p]) => [k, { shape: [...p.shape], data: p.data().slice() }]));
  const c = gemm(a, b, undefined, dims);
  const logits = model.predict({ data: x, shape });
  const workerData = { a, b, dims, architecture: architectureOf(model), weights, x, shape };
  model.dispose();

  const script = new URL('./fixtures/native-worker.mjs', import.meta.url);
  const results = await Promise.all([0, 1, 2, 3].map(() => new Promise<WorkerResult>((resolve, reject) => {
    const w = new Worker(script, { workerData });
    w.once('message', (m: WorkerResult) => void w.terminate().then(() => resolve(m)));
    w.once('error', reject);
  })));
  for (const r of results) {
    expect(r.backend).toBe(info().backend);
    expect(r.threads).toBe(threads);
    expect(bits(r.c).equals(bits(c))).toBe(true);
    expect(bits(r.logits).equals(bits(logits))).toBe(true);
    for (const run of r.runs) expect(bits(run).equals(bits(logits))).toBe(true);
  }
}
