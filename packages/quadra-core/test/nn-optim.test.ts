/** nn modules, state dicts, optimizers against hand-computed steps, schedule and clipping. */
import { describe, expect, it } from 'vitest';
import * as q from '../src/index.js';
import { relL2 } from './helpers.js';

const { nn, optim } = q;

class Tiny extends nn.Module {
  stem = new nn.Conv2d(3, 8, 2, { stride: 2 });
  blocks = [new nn.QuadraConv2d(8, 3), new nn.LayerNorm(8)];
  head = new nn.Sequential(new nn.Linear(8, 4), new nn.GELU(), new nn.Linear(4, 2, { bias: false }));
  forward(x: q.Tensor): q.Tensor {
    return q.scope(() => this.head.forward(q.globalAvgPool(this.blocks[1].forward(this.blocks[0].forward(this.stem.forward(x))))));
  }
}

describe('Module', () => {
  it('names parameters like PyTorch and counts them', () => {
    const m = new Tiny();
    const names = [...m.stateDict().keys()];
    expect(names).toEqual([
      'stem.weight', 'stem.bias',
      'blocks.0.conv1.weight', 'blocks.0.conv1.bias', 'blocks.0.conv2.weight', 'blocks.0.conv2.bias', 'blocks.0.conv3.weight', 'blocks.0.conv3.bias',
      'blocks.1.weight', 'blocks.1.bias', 'head.0.weight', 'head.0.bias', 'head.2.weight',
    ]);
    expect(m.numParameters()).toBe(8 * 2 * 2 * 3 + 8 + 3 * (9 * 8 + 8) + 16 + 32 + 4 + 8);
    m.eval();
    expect([...m.namedModules()].every(([, mod]) => !mod.training)).toBe(true);
  });

  it('state dict round trip restores outputs; strict load names every bad key', () => {
    const a = new Tiny();
    const b = new Tiny();
    const x = q.randn([2, 8, 8, 3]);
    const ya = q.noGrad(() => a.forward(x));
    b.loadStateDict(a.stateDict());
    const yb = q.noGrad(() => b.forward(x));
    expect(Array.from(yb.data())).toEqual(Array.from(ya.data()));
    const bad = new Map<string, q.Tensor>(a.stateDict());
    bad.delete('stem.bias');
    bad.set('extra.weight', q.zeros([1]));
    bad.set('head.0.weight', q.zeros([4, 7]));
    try {
      b.loadStateDict(bad);
      expect.unreachable();
    } catch (e) {
      const err = e as q.nn.StateDictError;
      expect(err).toBeInstanceOf(nn.StateDictError);
      expect(err.missing).toEqual(['stem.bias']);
      expect(err.unexpected).toEqual(['extra.weight']);
      expect(err.mismatched[0]).toMatch(/head\.0\.weight: expected \[4, 8\], got \[4, 7\]/);
    }
    const report = b.loadStateDict(bad, { strict: false });
    expect(report.missing).toEqual(['stem.bias']);
  });

  it('QuadraLinear computes (Wa x + ba)(Wb x + bb) + Wc x + bc', () => {
    const m = new nn.QuadraLinear(5, 3);
    for (const p of m.parameters()) p.data().set(q.randn([p.size]).data());
    const x = q.randn([4, 5]);
    const y = q.noGrad(() => m.forward(x)).data();
    const lin = (l: q.nn.Linear) => q.noGrad(() => q.linear(x, l.weight, l.bias)).data();
    const [a, b, c] = [lin(m.a), lin(m.b), lin(m.c)];
    expect(relL2(y, a.map((v, i) => v * b[i] + c[i]))).toBeLessThan(1e-6);
  });

  it('layer constructors reject bad sizes', () => {
    expect(() => new nn.Linear(0, 3)).toThrow(q.ArgumentError);
    expect(() => new nn.DepthwiseConv2d(4, 4)).toThrow(/odd/);
  });
});

function param(v: number): q.nn.Parameter {
  return new nn.Parameter(q.tensor([v]));
}

function stepWith(opt: q.optim.Optimizer, p: q.nn.Parameter, g: number): number {
  p.grad = q.tensor([g]);
  opt.step();
  return p.data()[0];
}

describe('optimizers', () => {
  it('AdamW matches hand-computed steps (decoupled decay, bias correction)', () => {
    const p = param(1);
    const opt = new optim.AdamW([p], { lr: 0.1, weightDecay: 0.01 });
    expect(stepWith(opt, p, 0.5)).toBeCloseTo(0.899, 6);
    expect(stepWith(opt, p, 0.5)).toBeCloseTo(0.798101, 6);
  });

  it('AdamW skips decay on 1-D parameters on request', () => {
    const p = new nn.Parameter(q.tensor([1, 1]));
    const opt = new optim.AdamW([p], { lr: 0.1, weightDecay: 0.5, noDecay1d: true });
    p.grad = q.tensor([0, 0]);
    opt.step();
    expect(p.data()[0]).toBeCloseTo(1, 7);
  });

  it('SGD with momentum and weight decay, and Nesterov', () => {
    const p = param(1);
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 });
    expect(stepWith(opt, p, 0.5)).toBeCloseTo(0.94, 6);
    expect(stepWith(opt, p, 0.5)).toBeCloseTo(0.8266, 6);
    const n = param(1);
    const nest = new optim.SGD([n], { lr: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov: true });
    expect(stepWith(nest, n, 0.5)).toBeCloseTo(0.886, 6);
    expect(stepWith(nest, n, 0.5)).toBeCloseTo(0.725566, 6);
  });

  it('optimizer state dict resumes identically', () => {
    const p = param(1);
    const a = new optim.AdamW([p], { lr: 0.1 });
    stepWith(a, p, 0.3);
    const saved = a.stateDict();
    const p2 = param(p.data()[0]);
    const b = new optim.AdamW([p2], { lr: 0.1 });
    b.loadStateDict(saved);
    expect(stepWith(b, p2, -0.2)).toBe(stepWith(a, p, -0.2));
  });

  it('param groups: each group steps at lrScale × lr, exactly as an optimizer with that lr', () => {
    for (const make of [
      (ps: q.optim.ParamGroup[] | q.nn.Parameter[], lr: number) => new optim.AdamW(ps, { lr, weightDecay: 0.05 }),
      (ps: q.optim.ParamGroup[] | q.nn.Parameter[], lr: number) => new optim.SGD(ps, { lr, momentum: 0.9, weightDecay: 0.1 }),
    ]) {
      const [a, b] = [param(1), param(-2)];
      const grouped = make([{ params: [a], lrScale: 0.25 }, { params: [b] }], 0.1);
      const [a1, b1] = [param(1), param(-2)];
      const alone = [make([a1], 0.025), make([b1], 0.1)];
      for (const g of [0.5, -0.3, 0.2]) {
        a.grad = q.tensor([g]);
        b.grad = q.tensor([2 * g]);
        grouped.step();
        expect(stepWith(alone[0], a1, g)).toBe(a.data()[0]);
        expect(stepWith(alone[1], b1, 2 * g)).toBe(b.data()[0]);
      }
      expect(grouped.params).toEqual([a, b]);
      expect(grouped.lrFor(a)).toBeCloseTo(0.025, 12);
    }
  });

  it('param groups: a bad lrScale or a parameter given twice is an ArgumentError', () => {
    const p = param(1);
    expect(() => new optim.AdamW([{ params: [p], lrScale: -1 }])).toThrow(/param group 0's lrScale must be a finite number >= 0, got -1/);
    expect(() => new optim.AdamW([{ params: [p] }, { params: [p] }])).toThrow(/appears twice \(again in param group 1\)/);
  });

  it('softCrossEntropy equals crossEntropy for one-hot and label-smoothed targets', () => {
    const logits = q.tensor([0.3, -1.2, 2, 0.5, 0.1, -0.4], [2, 3]);
    const eps = 0.1;
    const smooth = [0, 2].flatMap((y) => [0, 1, 2].map((k) => (k === y ? 1 - eps : 0) + eps / 3));
    expect(q.softCrossEntropy(logits, smooth).item()).toBeCloseTo(q.crossEntropy(logits, [0, 2], { labelSmoothing: eps }).item(), 6);
    expect(q.softCrossEntropy(logits, [1, 0, 0, 0, 0, 1]).item()).toBeCloseTo(q.crossEntropy(logits, [0, 2]).item(), 6);
    expect(() => q.softCrossEntropy(logits, [1, 0, 0])).toThrow(/targets must have 6 values \(2 rows × 3 classes\), got 3/);
    expect(() => q.softCrossEntropy(logits, [1, 0, 0, 0, NaN, 1])).toThrow(/targets\[4\] must be a finite number >= 0, got NaN/);
  });

  it('warm-up + cosine schedule', () => {
    const s = new optim.WarmupCosine({ baseLr: 1, totalSteps: 10, warmupSteps: 2 });
    expect([0, 1, 2, 6, 10].map((i) => s.lrAt(i))).toEqual([0, 0.5, 1, expect.closeTo(0.5, 12), 0]);
  });

  it('clipGradNorm scales to the max norm and returns the norm before', () => {
    const p = new nn.Parameter(q.tensor([0, 0]));
    p.grad = q.tensor([3, 4]);
    expect(optim.clipGradNorm([p], 1)).toBeCloseTo(5, 6);
    expect(Array.from(p.grad.data())).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
  });

  it('a tiny model trains: loss falls', () => {
    const gen = new q.Generator(11);
    const m = new nn.Sequential(new nn.Linear(4, 16, { generator: gen }), new nn.GELU(), new nn.Linear(16, 3, { generator: gen }));
    const opt = new optim.AdamW(m.parameters(), { lr: 0.02 });
    const x = q.randn([32, 4], { generator: gen });
    const labels = Array.from({ length: 32 }, (_, i) => (x.data()[i * 4] > 0 ? 0 : x.data()[i * 4 + 1] > 0 ? 1 : 2));
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const loss = q.scope(() => q.crossEntropy(m.forward(x), labels));
      losses.push(loss.item());
      loss.backward();
      loss.dispose();
      opt.step();
      opt.zeroGrad();
    }
    expect(losses[59]).toBeLessThan(losses[0] * 0.5);
  });
});

describe('state dict through a safetensors file', () => {
  it('save → load → loadStateDict gives the same outputs', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'quadra-sd-'));
    try {
      const a = new Tiny();
      const b = new Tiny();
      const file = join(dir, 'tiny.safetensors');
      q.saveTensors(file, a.stateDict(), { format: 'quadranet' });
      const { tensors, metadata } = q.loadTensors(file);
      expect(metadata.format).toBe('quadranet');
      b.loadStateDict(tensors);
      const x = q.randn([1, 6, 6, 3]);
      expect(Array.from(q.noGrad(() => b.forward(x)).data())).toEqual(Array.from(q.noGrad(() => a.forward(x)).data()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('optim.emaUpdate', () => {
  it('moves each average toward its weights in place, as d·avg + (1 − d)·w', () => {
    const g = new q.Generator(5);
    for (const n of [1, 7, 16, 17, 1000, 40000]) {
      const avg = q.randn([n], { generator: g }), w = q.randn([n], { generator: g });
      const a0 = Float64Array.from(avg.data()), w0 = Float64Array.from(w.data());
      const v = avg.version;
      optim.emaUpdate([avg], [w], 0.9);
      const want = a0.map((x, i) => 0.9 * x + 0.1 * w0[i]);
      expect(relL2(avg.data(), want)).toBeLessThanOrEqual(1e-6);
      expect(avg.version).toBeGreaterThan(v); // caches keyed on the version see the write
      expect(Array.from(w.data())).toEqual(Array.from(w0, Math.fround));
    }
  });
  it('rejects mismatched lists, shapes and aliasing with typed errors', () => {
    const a = q.zeros([3]);
    expect(() => optim.emaUpdate([a], [], 0.9)).toThrow(/avg has 1 tensors but w has 0/);
    expect(() => optim.emaUpdate([a], [q.zeros([4])], 0.9)).toThrow(q.ShapeError);
    expect(() => optim.emaUpdate([a], [a], 0.9)).toThrow(/both avg and w/);
    expect(() => optim.emaUpdate([a], [q.zeros([3])], 1.5)).toThrow(/decay must be in \[0, 1\]/);
    expect(() => optim.emaUpdate([a], [q.zeros([3], { dtype: 'float64' })], 0.5)).toThrow(q.DTypeError);
  });
});
