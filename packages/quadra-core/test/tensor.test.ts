/** Tensor creation, views, shape ops, autograd mechanics and memory accounting. */
import { afterEach, describe, expect, it } from 'vitest';
import * as q from '../src/index.js';

describe('creation and access', () => {
  it('builds from nested arrays and typed arrays (zero-copy)', () => {
    const t = q.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const buf = new Float32Array([1, 2, 3, 4]);
    const v = q.tensor(buf, [2, 2]);
    buf[0] = 9;
    expect(v.data()[0]).toBe(9);
    expect(q.tensor(5, []).item()).toBe(5);
  });

  it('rejects ragged and mis-sized input with typed errors', () => {
    expect(() => q.tensor([[1, 2], [3]])).toThrow(q.ShapeError);
    expect(() => q.tensor(new Float32Array(5), [2, 3])).toThrow(/needs 6 values/);
    expect(() => q.zeros([2, -1])).toThrow(q.ShapeError);
    expect(() => q.ones([2]).item()).toThrow(q.ArgumentError);
  });

  it('fills and samples with a seeded generator', () => {
    expect(Array.from(q.full([3], 2.5).data())).toEqual([2.5, 2.5, 2.5]);
    const a = q.randn([100], { generator: new q.Generator(5) }).data();
    const b = q.randn([100], { generator: new q.Generator(5) }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    const u = q.rand([1000], { generator: new q.Generator(1), low: 2, high: 3 }).data();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u)).toBeLessThan(3);
    const t = q.truncNormal([5000], { std: 0.02, a: -0.04, b: 0.04, generator: new q.Generator(2) }).data();
    expect(Math.max(...t.map(Math.abs))).toBeLessThanOrEqual(0.04);
    const sd = Math.sqrt(Array.from(t).reduce((s, v) => s + v * v, 0) / t.length);
    expect(sd).toBeGreaterThan(0.015);
    expect(sd).toBeLessThan(0.02);
  });

  it('generator state round-trips', () => {
    const g = new q.Generator(3);
    g.normal();
    const st = g.getState();
    const x = [g.normal(), g.uniform()];
    g.setState(st);
    expect([g.normal(), g.uniform()]).toEqual(x);
  });
});

describe('shape ops', () => {
  const x = q.tensor(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
  it('reshape is a view; -1 infers', () => {
    const r = q.reshape(x, [4, -1]);
    expect(r.shape).toEqual([4, 6]);
    expect(r.storage).toBe(x.storage);
    expect(() => q.reshape(x, [5, -1])).toThrow(q.ShapeError);
  });
  it('permute, slice, concat, split, chunk', () => {
    const p = q.permute(x, [2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    expect((p.toArray() as number[][][])[1][1][2]).toBe(1 * 12 + 2 * 4 + 1);
    const s = q.slice(x, 2, 1, 3);
    expect(s.toArray()).toEqual([[[1, 2], [5, 6], [9, 10]], [[13, 14], [17, 18], [21, 22]]]);
    const s0 = q.slice(x, 0, 1);
    expect(s0.storage).toBe(x.storage);
    expect(s0.data()[0]).toBe(12);
    const c = q.concat([s, s], 2);
    expect(c.shape).toEqual([2, 3, 4]);
    const parts = q.split(x, [1, 3], 2);
    expect(parts.map((t) => t.shape)).toEqual([[2, 3, 1], [2, 3, 3]]);
    expect(q.chunk(x, 3, 1).map((t) => t.shape[1])).toEqual([1, 1, 1]);
    expect(() => q.slice(x, 3, 0)).toThrow(q.ArgumentError);
    expect(() => q.concat([x, q.zeros([2, 2, 4])], 2)).toThrow(q.ShapeError);
  });
  it('broadcasting errors name both shapes', () => {
    expect(() => q.add(q.zeros([2, 3]), q.zeros([4]))).toThrow(/\[2, 3\] and \[4\]/);
  });
});

describe('autograd mechanics', () => {
  it('accumulates gradients across backward calls and uses', () => {
    const w = q.tensor([2, 3]).requireGrad();
    q.sum(q.mul(w, w)).backward();
    q.sum(q.add(w, w)).backward();
    expect(Array.from(w.grad!.data())).toEqual([6, 8]);
  });
  it('noGrad and detach record nothing', () => {
    const w = q.tensor([1]).requireGrad();
    const y = q.noGrad(() => q.mul(w, 3));
    expect(y.requiresGrad).toBe(false);
    expect(q.mul(w.detach(), 2).requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(q.ArgumentError);
  });
  it('a second backward without retainGraph is a typed error; with it, gradients add', () => {
    const w = q.tensor([1, 2]).requireGrad();
    const l = q.sum(q.mul(w, w));
    l.backward(undefined, { retainGraph: true });
    l.backward();
    expect(Array.from(w.grad!.data())).toEqual([4, 8]);
    const l2 = q.sum(q.mul(w, w));
    l2.backward();
    expect(() => l2.backward()).toThrow();
  });
  it('seeds non-scalar outputs and checks the seed shape', () => {
    const w = q.tensor([1, 2]).requireGrad();
    const y = q.mul(w, 2);
    expect(() => y.backward()).toThrow(/seed/);
    expect(() => y.backward(q.ones([3]))).toThrow(q.ShapeError);
    y.backward(q.tensor([1, 10]));
    expect(Array.from(w.grad!.data())).toEqual([2, 20]);
  });
  it('mismatched devices and dtypes are typed errors', () => {
    expect(() => q.add(q.zeros([2]), q.zeros([2], { dtype: 'float64' }))).toThrow(q.DTypeError);
    expect(() => q.zeros([2], { device: 'cuda' }).data()).toBeDefined();
  });
});

describe('memory accounting', () => {
  afterEach(() => q.resetPeak());
  it('returns to its start after forward/backward/dispose', () => {
    const start = q.memory().cpu.live;
    const w = q.randn([16, 8]).requireGrad();
    const b = q.zeros([16]).requireGrad();
    const g = q.ones([8]).requireGrad();
    q.scope(() => {
      const x = q.randn([4, 5, 8]);
      const h = q.gelu(q.linear(q.layerNorm(x, g, null, 1e-6), w, b));
      const loss = q.mean(q.mul(h, h));
      loss.backward();
    });
    expect(q.memory().cpu.live).toBe(start + (w.size + b.size + g.size) * 4 * 2);
    for (const t of [w, b, g]) {
      t.grad!.dispose();
      t.dispose();
    }
    expect(q.memory().cpu.live).toBe(start);
  });
  it('frees saved tensors as soon as backward used them', () => {
    const w = q.randn([64, 64]).requireGrad();
    const start = q.memory().cpu.live;
    const loss = q.scope(() => q.sum(q.gelu(q.linear(q.randn([32, 64]), w))));
    const mid = q.memory().cpu.live;
    expect(mid).toBeGreaterThan(start); // x, pre-activation saved by the tape
    loss.backward();
    loss.dispose();
    expect(q.memory().cpu.live).toBe(start + w.size * 4);
    w.grad!.dispose();
  });
  it('peak reflects the largest live set', () => {
    q.resetPeak();
    const base = q.memory().cpu.live;
    const t = q.zeros([1000]);
    t.dispose();
    expect(q.memory().cpu.peak).toBeGreaterThanOrEqual(base + 4000);
  });
  it('use after dispose is a typed error', () => {
    const t = q.zeros([2]);
    t.dispose();
    expect(() => t.data()).toThrow(q.DisposedError);
  });
});
