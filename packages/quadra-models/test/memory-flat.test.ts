/**
 * Long loops do not grow core's memory: after a warm-up, training steps, predict and predictAsync
 * leave memory().cpu live bytes, storage count, fresh allocations and leaked storages unchanged.
 * (The 10⁴-iteration run with RSS is `pnpm bench leaks`; its figures are in bench/RESULTS.md.)
 */
import * as q from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';
import { QuadraNet, SMALL_IMAGE_STEM } from '../src/index.js';

const snap = () => {
  const m = q.memory().cpu;
  return { live: m.live, count: m.count, allocations: m.allocations, leaked: m.leaked };
};
const images = (n: number, seed: number) => {
  const g = new q.Generator(seed);
  const data = new Float32Array(n * 28 * 28);
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return { data, shape: [n, 28, 28, 1] };
};

q.manualSeed(3);
const model = new QuadraNet({ depths: [1, 1], dims: [8, 16], numClasses: 10, inChannels: 1, kernelSizes: [3, 3], stem: SMALL_IMAGE_STEM });
const batches = [0, 1, 2].map((s) => images(8, s));
const labels = batches.map((_, s) => Int32Array.from({ length: 8 }, (_, j) => (j + s) % 10));
afterAll(() => model.dispose());

describe('memory stays flat over long loops', () => {
  it('300 training steps (AdamW, label smoothing)', () => {
    const opt = new q.optim.AdamW(model.parameters(), { lr: 1e-3 });
    model.train();
    const step = (i: number) => {
      const b = batches[i % 3];
      const loss = q.scope(() => q.crossEntropy(model.forward(q.tensor(b.data, b.shape)), labels[i % 3], { labelSmoothing: 0.1 }));
      loss.backward();
      loss.dispose();
      opt.step();
      opt.zeroGrad();
    };
    for (let i = 0; i < 30; i++) step(i);
    const base = snap();
    for (let i = 30; i < 300; i++) {
      step(i);
      if (i % 90 === 0) expect(snap(), `step ${i}`).toEqual(base);
    }
    expect(snap()).toEqual(base);
  });

  it('300 predict calls', () => {
    model.eval();
    for (let i = 0; i < 10; i++) model.predict(batches[i % 3]);
    const base = snap();
    for (let i = 0; i < 300; i++) model.predict(batches[i % 3]);
    expect(snap()).toEqual(base);
  });

  it('100 predictAsync calls', async () => {
    model.eval();
    for (let i = 0; i < 5; i++) await model.predictAsync(batches[i % 3]);
    const base = snap();
    for (let i = 0; i < 100; i++) await model.predictAsync(batches[i % 3]);
    expect(snap()).toEqual(base);
  });
});
