/**
 * model.predict (sync) and model.predictAsync / createPredictor (a worker thread): the same bits,
 * requests in call order, cancellation, weights followed, typed errors, and the event loop kept free.
 * The worker runs the package's dist/ build (infer/predict-worker.js): build first (tsc -b).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as q from '@quadranet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError, createModel, createPredictor, PredictorError, QuadraNet, SkipBlock, SMALL_IMAGE_STEM, TimeoutError, type ImageBatch,
} from '../src/index.js';

const build = () => createModel('quadranet25_xxs', { numClasses: 10, inChannels: 1, stem: SMALL_IMAGE_STEM });
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && bits(a).equals(bits(b));
const images = (n: number, seed: number, size = 28): ImageBatch => {
  const g = new q.Generator(seed);
  const data = new Float32Array(n * size * size);
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return { data, shape: [n, size, size, 1] };
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

let model: QuadraNet;
// A batch whose sync forward blocks for ~100-250 ms on one thread (QUADRA_NUM_THREADS=1).
const big = images(128, 7);
beforeAll(() => {
  q.manualSeed(11);
  model = build();
});
afterAll(() => model.dispose());

describe('predict (sync)', () => {
  it('gives the eval-mode noGrad logits, restores the mode and leaves no tensor behind', () => {
    const x = images(3, 1);
    model.train();
    const live = q.memory().cpu.live;
    const logits = model.predict(x);
    expect(q.memory().cpu.live).toBe(live);
    expect(model.training).toBe(true);
    expect(model.stages[0].layers[0].training).toBe(true);
    model.eval();
    const t = q.tensor(x.data, x.shape);
    const y = q.noGrad(() => model.forward(t));
    expect(logits).toBeInstanceOf(Float32Array);
    expect(sameBits(logits, y.dataSync() as Float32Array)).toBe(true);
    y.dispose();
    expect(sameBits(model.predict(t), logits)).toBe(true);
    t.dispose();
  });
});

describe('predictAsync', () => {
  it('equals predict bit for bit, for a Tensor and for { data, shape }', async () => {
    const x = images(5, 2);
    const sync = model.predict(x);
    expect(sameBits(await model.predictAsync(x), sync)).toBe(true);
    const t = q.tensor(x.data.slice(), x.shape);
    expect(sameBits(await model.predictAsync(t), sync)).toBe(true);
    t.dispose();
    const small = images(2, 3, 20);
    expect(sameBits(await model.predictAsync(small), model.predict(small))).toBe(true);
  });

  it('resolves 4 requests in flight in call order, each with its own result', async () => {
    const xs = [images(4, 10), images(1, 11), images(6, 12), images(2, 13)];
    const expected = xs.map((x) => model.predict(x));
    const order: number[] = [];
    const results = await Promise.all(xs.map((x, i) => model.predictAsync(x).then((r) => (order.push(i), r))));
    expect(order).toEqual([0, 1, 2, 3]);
    results.forEach((r, i) => expect(sameBits(r, expected[i])).toBe(true));
  });

  it('copies the input at the call: the caller may overwrite its buffer at once', async () => {
    const x = images(2, 4);
    const sync = model.predict(x);
    const p = model.predictAsync(x);
    x.data.fill(0);
    expect(sameBits(await p, sync)).toBe(true);
  });

  it('keeps the event loop ticking during a batch', async () => {
    await model.predictAsync(images(1, 5)); // the worker is up
    const h = monitorEventLoopDelay({ resolution: 1 });
    // The monitor sees the sync path block the loop for the whole batch ...
    h.enable();
    await pause(5);
    const sync = model.predict(big);
    await pause(5);
    h.disable();
    const blockedMs = h.max / 1e6;
    // ... and the same batch on the worker leave it free.
    h.reset();
    h.enable();
    const off = await model.predictAsync(big);
    h.disable();
    const freeMs = h.max / 1e6;
    console.log(`event-loop delay, batch ${big.shape[0]}: sync ${blockedMs.toFixed(1)} ms, predictAsync ${freeMs.toFixed(1)} ms`);
    expect(sameBits(off, sync)).toBe(true);
    expect(freeMs).toBeLessThan(blockedMs / 4);
  });
});

describe('cancellation', () => {
  it('drops a queued request on abort (AbortError) and runs the rest', async () => {
    const p = createPredictor(model);
    try {
      const x = images(2, 20);
      const expected = model.predict(x);
      const ctl = new AbortController();
      const running = p.predict(big);
      const queued = p.predict(images(1, 21), { signal: ctl.signal });
      const after = p.predict(x);
      const reason = new Error('client left');
      ctl.abort(reason);
      expect(p.pending).toBe(2);
      const err = await queued.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect(err).toBeInstanceOf(q.QuadraError);
      expect(err).toMatchObject({ name: 'AbortError', code: 'QUADRA_ABORTED', reason });
      expect(sameBits(await running, model.predict(big))).toBe(true);
      expect(sameBits(await after, expected)).toBe(true);
      const pre = AbortSignal.abort();
      await expect(p.predict(x, { signal: pre })).rejects.toBeInstanceOf(AbortError);
    } finally {
      await p.close();
    }
  });

  it('discards the result of an aborted running request; the next one is right', async () => {
    const ctl = new AbortController();
    const running = model.predictAsync(big, { signal: ctl.signal });
    const x = images(3, 22);
    const next = model.predictAsync(x);
    ctl.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(sameBits(await next, model.predict(x))).toBe(true);
  });

  it('rejects a request still queued after timeoutMs with a TimeoutError', async () => {
    const running = model.predictAsync(big);
    const late = model.predictAsync(images(1, 23), { timeoutMs: 1 });
    const err = await late.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toBeInstanceOf(AbortError);
    expect(err).toMatchObject({ name: 'TimeoutError', code: 'QUADRA_TIMEOUT', timeoutMs: 1 });
    await running;
  });
});

describe('weights', () => {
  it('follows weights changed after a call; a request sees the weights of its call', async () => {
    const m = build();
    try {
      const x = images(2, 30);
      expect(sameBits(await m.predictAsync(x), m.predict(x))).toBe(true);
      const before = m.predict(x);
      const old = m.predictAsync(x);
      m.head.bias!.data()[3] += 0.5; // in place, as an optimizer step writes
      const after = m.predict(x);
      const fresh = m.predictAsync(x);
      expect(sameBits(before, after)).toBe(false);
      expect(sameBits(await old, before)).toBe(true);
      expect(sameBits(await fresh, after)).toBe(true);
      const other = build();
      m.loadStateDict(other.stateDict());
      other.dispose();
      expect(sameBits(await m.predictAsync(x), m.predict(x))).toBe(true);
    } finally {
      m.dispose();
    }
  });

  it('keeps the snapshot with followWeights: false until refresh()', async () => {
    const m = build();
    const p = createPredictor(m, { followWeights: false });
    try {
      const x = images(2, 31);
      const before = m.predict(x);
      m.head.bias!.data()[0] -= 1;
      const after = m.predict(x);
      expect(sameBits(await p.predict(x), before)).toBe(true);
      p.refresh();
      expect(sameBits(await p.predict(x), after)).toBe(true);
    } finally {
      await p.close();
      m.dispose();
    }
  });
});

describe('errors', () => {
  it('names the bad argument with a typed error, on both paths', async () => {
    const cases: [unknown, new (...a: never[]) => Error, RegExp][] = [
      ['pixels', q.ArgumentError, /x must be a float32 NHWC Tensor or \{ data: Float32Array/],
      [{ data: new Float64Array(784), shape: [1, 28, 28, 1] }, q.DTypeError, /x\.data must be a Float32Array, got Float64Array/],
      [{ data: new Float32Array(784), shape: [28, 28, 1] }, q.ShapeError, /x\.shape must be NHWC \[N, H, W, 1\]/],
      [{ data: new Float32Array(784), shape: '1x28x28' }, q.ArgumentError, /x\.shape must be an array/],
      [{ data: new Float32Array(10), shape: [1, 28, 28, 1] }, q.ShapeError, /x\.shape \[1, 28, 28, 1\] needs 784 values, x\.data has 10/],
      [{ data: new Float32Array(784), shape: [1, 1, 28, 28] }, q.ShapeError, /looks NCHW/],
    ];
    for (const [x, Type, message] of cases) {
      expect(() => model.predict(x as ImageBatch)).toThrow(Type);
      const err = await model.predictAsync(x as ImageBatch).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Type);
      expect((err as Error).message).toMatch(/^predictAsync: /);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('names a bad option', async () => {
    const x = images(1, 40);
    await expect(model.predictAsync(x, { timeoutMs: 0 })).rejects.toThrow(/options\.timeoutMs/);
    await expect(model.predictAsync(x, { signal: 'stop' as unknown as AbortSignal })).rejects.toThrow(/options\.signal must be an AbortSignal/);
    await expect(model.predictAsync(x, { timeout: 5 } as never)).rejects.toBeInstanceOf(q.ArgumentError);
    expect(() => createPredictor(model, { follow: true } as never)).toThrow(q.ArgumentError);
  });

  it("returns the forward's own typed error from the worker", async () => {
    const err = await model.predictAsync(images(1, 41, 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(q.ShapeError);
    expect((err as Error).message).toMatch(/does not fit input/);
  });

  it('refuses models the worker cannot rebuild: chooseBlock, float64', async () => {
    const chosen = new QuadraNet({ depths: [1, 1], dims: [8, 16], numClasses: 10, inChannels: 1, stem: SMALL_IMAGE_STEM, chooseBlock: (s, _i, d) => (s === 0 ? new SkipBlock(d) : null) });
    const x = images(1, 42, 8);
    expect(chosen.predict(x)).toHaveLength(10);
    await expect(chosen.predictAsync(x)).rejects.toThrow(/chooseBlock/);
    chosen.dispose();
    const f64 = build().to('float64');
    await expect(f64.predictAsync(x)).rejects.toBeInstanceOf(q.DTypeError);
    f64.dispose();
  });

  it('close() rejects what is unfinished with a PredictorError; so does dispose() for predictAsync', async () => {
    const p = createPredictor(model);
    const unfinished = Promise.allSettled([p.predict(big), p.predict(images(1, 43))]);
    await p.close();
    for (const r of await unfinished) expect(r.status === 'rejected' && r.reason instanceof PredictorError).toBe(true);
    expect(p.closed).toBe(true);
    await expect(p.predict(images(1, 44))).rejects.toBeInstanceOf(PredictorError);
    const m = build();
    await m.predictAsync(images(1, 45));
    const pending = m.predictAsync(big).catch((e: unknown) => e);
    m.dispose();
    expect(await pending).toBeInstanceOf(PredictorError);
  });
});

describe('process lifetime', () => {
  it('a script that calls predictAsync (and a predictor it never closes) exits on its own', () => {
    const script = fileURLToPath(new URL('./fixtures/predict-once.mjs', import.meta.url));
    // The bound is only there so a process kept alive fails the test instead of hanging it.
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, QUADRA_NUM_THREADS: '1' } });
    expect(r.error).toBeUndefined();
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ lengths: [20, 20] });
  });
});
