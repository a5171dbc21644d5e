// Inference building blocks: packLinear/linearPacked against linear + GELU + add on the native and
// reference backends (and float64); their argument checks; Tensor.version; Module.cached()
// rebuilding on writes and surviving scopes; the pool's allocation counter.
import { describe, expect, it } from 'vitest';

import {
  add, ArgumentError, gelu, linear, linearPacked, memory, nn, noGrad, optim, packLinear, randn, scope, setBackend, ShapeError, tensor,
  type Tensor,
} from '../src/index.js';

function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0, d = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i] - b[i]) ** 2;
    d += b[i] ** 2;
  }
  return Math.sqrt(n / Math.max(d, 1e-30));
}

describe('packLinear / linearPacked', () => {
  for (const [backend, dtype] of [['cpu', 'float32'], ['ref', 'float32'], ['cpu', 'float64']] as const) {
    it(`equal linear (+ gelu) (+ residual) on ${backend} ${dtype}`, () => {
      setBackend(backend);
      try {
        scope(() => {
          const x = randn([2, 5, 37], { dtype }), w = randn([70, 37], { dtype }), b = randn([70], { dtype }), r = randn([2, 5, 70], { dtype });
          const p = packLinear(w);
          expect([p.inFeatures, p.outFeatures]).toEqual([37, 70]);
          const want = add(gelu(linear(x, w, b)), r);
          const got = noGrad(() => linearPacked(x, p, b, { act: 'gelu', residual: r }));
          expect(got.shape).toEqual([2, 5, 70]);
          expect(relL2(got.dataSync(), want.dataSync())).toBeLessThanOrEqual(1e-5);
          const plain = linearPacked(x, p);
          expect(relL2(plain.dataSync(), linear(x, w).dataSync())).toBeLessThanOrEqual(1e-5);
        });
      } finally {
        setBackend('cpu');
      }
    });
  }

  it('rejects bad arguments with typed errors', () => {
    scope(() => {
      const x = randn([3, 8]), w = randn([4, 8]);
      const p = packLinear(w);
      expect(() => linearPacked(randn([3, 7]), p)).toThrow(/x last dimension must be 8/);
      expect(() => linearPacked(x, p, randn([5]))).toThrow(/b/);
      expect(() => linearPacked(x, p, null, { residual: randn([3, 5]) })).toThrow(ShapeError);
      expect(() => linearPacked(x, p, null, { residual: randn([3, 5]) })).toThrow(/opts\.residual must have the output's shape \[3, 4\]/);
      expect(() => linearPacked(x, p, null, { act: 'relu' as 'gelu' })).toThrow(ArgumentError);
      expect(() => linearPacked(randn([3, 8]).requireGrad(), p)).toThrow(/no backward/);
      expect(() => noGrad(() => linearPacked(randn([3, 8]).requireGrad(), p))).not.toThrow();
      expect(() => packLinear(randn([8]))).toThrow(/w/);
      setBackend('ref');
      try {
        expect(() => noGrad(() => linearPacked(x, p))).toThrow(/packed by the cpu backend, x runs on ref/);
      } finally {
        setBackend('cpu');
      }
    });
  });
});

describe('Tensor.version', () => {
  it('counts data() views, copies and optimizer steps, not reads', () => {
    const t = tensor([1, 2, 3], [3]);
    const v0 = t.version;
    t.dataSync();
    add(t, t).dispose();
    expect(t.version).toBe(v0);
    t.data()[0] = 5;
    expect(t.version).toBe(v0 + 1);
    const p = new nn.Parameter(tensor([1, 2], [2]));
    p.grad = tensor([1, 1], [2]);
    const v1 = p.version;
    new optim.SGD([p], { lr: 0.1 }).step();
    expect(p.version).toBe(v1 + 1);
    t.dispose();
    p.grad.dispose();
    p.dispose();
  });
});

describe('Module.cached', () => {
  class Holder extends nn.Module {
    w = new nn.Parameter(tensor([1, 2, 3, 4], [2, 2]));
    builds = 0;
    forward(x: Tensor): Tensor {
      const p = this.cached('p', [this.w], () => {
        this.builds++;
        return packLinear(this.w).packed;
      });
      expect(p.disposed).toBe(false);
      return x;
    }
  }

  it('builds once, rebuilds after a write, survives scopes and is freed by dispose()', () => {
    const base = memory().cpu.live;
    const m = new Holder();
    const x = tensor([1], [1]);
    scope(() => m.forward(x));
    scope(() => m.forward(x));
    expect(m.builds).toBe(1);
    m.w.data()[0] = 9;
    scope(() => m.forward(x));
    expect(m.builds).toBe(2);
    m.train(false);
    scope(() => m.forward(x));
    expect(m.builds).toBe(3); // released by the mode change
    x.dispose();
    m.dispose();
    expect(memory().cpu.live).toBe(base);
  });
});

describe('memory().cpu.allocations', () => {
  it('counts fresh buffers, not pooled ones', () => {
    const a = memory().cpu.allocations;
    const t = randn([1000 + (a % 7)]); // a length unlikely to be pooled already
    const b = memory().cpu.allocations;
    expect(b).toBeGreaterThan(a);
    t.dispose();
    const u = randn([1000 + (a % 7)]);
    expect(memory().cpu.allocations).toBe(b);
    u.dispose();
    expect(memory().cuda.allocations).toBe(0);
  });
});
