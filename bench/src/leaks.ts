/**
 * `pnpm bench leaks`: long loops that must not grow. Trains a small model for `steps` steps
 * (synthetic data, AdamW, the trainer's scope/backward/step/zeroGrad pattern), then calls
 * model.predict and model.predictAsync `calls` times each, sampling process RSS and core's
 * memory() (live bytes, storage count, fresh allocations, leaked storages). Drift is measured
 * from the first sample after warm-up to the last; the verdict compares it with the bounds.
 * Run it with `node --expose-gc` so each sample follows a full collection (less RSS noise).
 */
import * as q from '@quadranet/core';
import { createModel, SMALL_IMAGE_STEM, type QuadraNet } from '@quadranet/models';

export interface LeakOptions {
  model: string;
  size: number;
  batch: number;
  steps: number;
  calls: number;
  /** Iterations before the baseline sample (the pool and the JIT settle). */
  warmup: number;
  /** Samples per phase. */
  samples: number;
  /** Allowed RSS growth after warm-up, in MiB. */
  rssBoundMb: number;
}

export interface LeakSample {
  i: number;
  rssMb: number;
  live: number;
  count: number;
  allocations: number;
  leaked: number;
}

export interface LeakPhase {
  name: string;
  iterations: number;
  seconds: number;
  baseline: LeakSample;
  last: LeakSample;
  /** Largest RSS seen after warm-up minus the baseline, MiB. */
  rssMaxDriftMb: number;
  drift: { rssMb: number; live: number; count: number; allocations: number; leaked: number };
  ok: boolean;
}

const gc = (globalThis as { gc?: () => void }).gc;

function sample(i: number): LeakSample {
  gc?.();
  const m = q.memory().cpu;
  return { i, rssMb: process.memoryUsage().rss / 2 ** 20, live: m.live, count: m.count, allocations: m.allocations, leaked: m.leaked };
}

function images(n: number, size: number, seed: number): { data: Float32Array; shape: number[] } {
  const g = new q.Generator(seed);
  const data = new Float32Array(n * size * size);
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return { data, shape: [n, size, size, 1] };
}

async function phase(name: string, o: LeakOptions, iterations: number, step: (i: number) => void | Promise<void>): Promise<LeakPhase> {
  const every = Math.max(1, Math.floor((iterations - o.warmup) / o.samples));
  const samples: LeakSample[] = [];
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    await step(i);
    if (i + 1 >= o.warmup && (i + 1 - o.warmup) % every === 0) {
      // A turn of the event loop first, so finalizers and worker replies run as in a real program.
      await new Promise((r) => setImmediate(r));
      samples.push(sample(i + 1));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const baseline = samples[0], last = samples[samples.length - 1];
  const drift = {
    rssMb: last.rssMb - baseline.rssMb, live: last.live - baseline.live, count: last.count - baseline.count,
    allocations: last.allocations - baseline.allocations, leaked: last.leaked - baseline.leaked,
  };
  const rssMaxDriftMb = Math.max(...samples.map((s) => s.rssMb)) - baseline.rssMb;
  const ok = drift.live === 0 && drift.count === 0 && drift.allocations === 0 && drift.leaked === 0 && rssMaxDriftMb <= o.rssBoundMb;
  return { name, iterations, seconds, baseline, last, rssMaxDriftMb, drift, ok };
}

export async function runLeaks(o: LeakOptions): Promise<LeakPhase[]> {
  q.manualSeed(1);
  const model: QuadraNet = createModel(o.model, { numClasses: 10, inChannels: 1, stem: SMALL_IMAGE_STEM });
  const opt = new q.optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
  const batches = [0, 1, 2, 3].map((s) => images(o.batch, o.size, s));
  const labels = batches.map((_, s) => Int32Array.from({ length: o.batch }, (_, j) => (j + s) % 10));
  const phases: LeakPhase[] = [];
  model.train();
  phases.push(await phase('train step', o, o.steps, (i) => {
    const b = batches[i % 4];
    const loss = q.scope(() => {
      const x = q.tensor(b.data, b.shape);
      return q.crossEntropy(model.forward(x), labels[i % 4], { labelSmoothing: 0.1 });
    });
    loss.backward();
    loss.item();
    loss.dispose();
    opt.step();
    opt.zeroGrad();
  }));
  model.eval();
  phases.push(await phase('predict', o, o.calls, (i) => {
    model.predict(batches[i % 4]);
  }));
  phases.push(await phase('predictAsync', o, o.calls, async (i) => {
    await model.predictAsync(batches[i % 4]);
  }));
  model.dispose();
  return phases;
}

export function printLeaks(rs: LeakPhase[], o: LeakOptions): void {
  console.log(`\nleaks  ${o.model} at ${o.size}x${o.size}x1, batch ${o.batch}; warm-up ${o.warmup} iterations, ${o.samples} samples per phase${gc ? ' (each after gc())' : ' (run with node --expose-gc for steadier RSS)'}`);
  console.log(`  bounds: memory().cpu live, count, allocations and leaked unchanged after warm-up; RSS at most +${o.rssBoundMb} MiB`);
  console.log(`  ${'phase'.padEnd(14)} iterations  seconds   RSS MiB (base → last, max drift)   live bytes drift  count drift  allocations drift  leaked  verdict`);
  for (const r of rs) {
    const rss = `${r.baseline.rssMb.toFixed(1)} → ${r.last.rssMb.toFixed(1)}, +${r.rssMaxDriftMb.toFixed(1)}`;
    console.log(`  ${r.name.padEnd(14)} ${String(r.iterations).padStart(10)} ${r.seconds.toFixed(1).padStart(8)}   ${rss.padEnd(32)} ${String(r.drift.live).padStart(16)} ${String(r.drift.count).padStart(12)} ${String(r.drift.allocations).padStart(18)} ${String(r.drift.leaked).padStart(7)}  ${r.ok ? 'flat' : 'GROWS'}`);
  }
}
