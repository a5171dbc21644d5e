/** QuadraBlock and ConvBlock: reference parameter names, the forward against op-by-op composition, gradients. */
import * as q from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { ConvBlock, QuadraBlock } from '../src/index.js';

function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0, d = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i] - b[i]) ** 2;
    d += b[i] ** 2;
  }
  return Math.sqrt(n / Math.max(d, 1e-30));
}

function randomise(m: q.nn.Module, seed: number): void {
  const g = new q.Generator(seed);
  for (const p of m.parameters()) p.data().set(q.randn([p.size], { generator: g }).data().map((v) => v * 0.3));
}

describe('QuadraBlock', () => {
  it('has the PyTorch reference parameter names and shapes', () => {
    const b = new QuadraBlock(8, { kernelSize: 5, expansion: 2 });
    const shapes = Object.fromEntries([...b.stateDict()].map(([k, t]) => [k, t.shape]));
    expect(shapes).toEqual({
      'norm1.weight': [8], 'norm1.bias': [8],
      'QuadraConv.conv1.weight': [5, 5, 8], 'QuadraConv.conv1.bias': [8],
      'QuadraConv.conv2.weight': [5, 5, 8], 'QuadraConv.conv2.bias': [8],
      'QuadraConv.conv3.weight': [5, 5, 8], 'QuadraConv.conv3.bias': [8],
      'norm2.weight': [8], 'norm2.bias': [8],
      'pwconv1.weight': [16, 8], 'pwconv1.bias': [16], 'pwconv2.weight': [8, 16], 'pwconv2.bias': [8],
      'gamma1': [8], 'gamma2': [8],
    });
    expect(Array.from(b.gamma1.data())).toEqual(new Array(8).fill(Math.fround(1e-6)));
  });

  it('forward equals the op-by-op definition; backward reaches every parameter', () => {
    const b = new QuadraBlock(9, { kernelSize: 3 });
    randomise(b, 1);
    const x = q.randn([2, 5, 4, 9], { generator: new q.Generator(2) });
    const y = b.forward(x);
    const want = q.noGrad(() => {
      const h = q.layerNorm(x, b.norm1.weight, b.norm1.bias, 1e-6);
      const c = b.QuadraConv;
      const qc = q.add(q.mul(q.dwConv2d(h, c.conv1.weight, c.conv1.bias, 3), q.dwConv2d(h, c.conv2.weight, c.conv2.bias, 3)), q.dwConv2d(h, c.conv3.weight, c.conv3.bias, 3));
      const x1 = q.add(x, q.mul(qc, b.gamma1));
      const h2 = q.layerNorm(x1, b.norm2.weight, b.norm2.bias, 1e-6);
      const m = q.linear(q.gelu(q.linear(h2, b.mlp.pwconv1.weight, b.mlp.pwconv1.bias)), b.mlp.pwconv2.weight, b.mlp.pwconv2.bias);
      return q.add(x1, q.mul(m, b.gamma2));
    });
    expect(relL2(y.data(), want.data())).toBeLessThan(1e-5);
    q.sum(y).backward();
    for (const [name, p] of b.namedParameters()) expect(p.grad, name).not.toBeNull();
  });

  it('drop path is the identity in eval mode and drops whole samples in training', () => {
    const b = new QuadraBlock(4, { kernelSize: 3, dropPath: 0.99 });
    randomise(b, 3);
    const x = q.randn([6, 3, 3, 4]);
    const ev = q.noGrad(() => b.eval().forward(x));
    const tr = q.noGrad(() => b.train().forward(x));
    expect(relL2(ev.data(), x.data())).toBeGreaterThan(0);
    // with p = 0.99 nearly every sample keeps x unchanged
    const same = [...Array(6).keys()].filter((n) => relL2(tr.data().subarray(n * 36, (n + 1) * 36), x.data().subarray(n * 36, (n + 1) * 36)) === 0);
    expect(same.length).toBeGreaterThan(0);
  });
});

describe('ConvBlock', () => {
  it('names and forward', () => {
    const b = new ConvBlock(8);
    expect([...b.stateDict().keys()].sort()).toEqual(['dwconv.bias', 'dwconv.weight', 'gamma', 'norm.bias', 'norm.weight', 'pwconv1.bias', 'pwconv1.weight', 'pwconv2.bias', 'pwconv2.weight']);
    randomise(b, 4);
    const x = q.randn([1, 7, 7, 8]);
    const y = q.noGrad(() => b.forward(x));
    const want = q.noGrad(() => {
      const h = q.layerNorm(q.dwConv2d(x, b.dwconv.weight, b.dwconv.bias, 7), b.norm.weight, b.norm.bias, 1e-6);
      const m = q.linear(q.gelu(q.linear(h, b.mlp.pwconv1.weight, b.mlp.pwconv1.bias)), b.mlp.pwconv2.weight, b.mlp.pwconv2.bias);
      return q.add(x, q.mul(m, b.gamma));
    });
    expect(relL2(y.data(), want.data())).toBeLessThan(1e-5);
  });
});

describe('block gradients by float64 finite differences (tiny shapes)', () => {
  function fdCheck(block: q.nn.Module, shape: number[]): number {
    block.to('float64');
    randomise(block, 9);
    const g = new q.Generator(5);
    const x = q.tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.normal()), shape).requireGrad();
    const r = q.tensor(Float64Array.from({ length: x.size }, () => g.normal()), shape);
    const loss = () => q.noGrad(() => q.scope(() => q.sum(q.mul(block.forward(x), r)).item()));
    q.scope(() => q.sum(q.mul(block.forward(x), r)).backward());
    let worst = 0;
    const targets: q.Tensor[] = [x, ...block.parameters()];
    for (const t of targets) {
      const d = t.data();
      for (let s = 0; s < Math.min(6, d.length); s++) {
        const i = (s * 7919) % d.length;
        const keep = d[i];
        d[i] = keep + 1e-6;
        const lp = loss();
        d[i] = keep - 1e-6;
        const lm = loss();
        d[i] = keep;
        const fd = (lp - lm) / 2e-6;
        worst = Math.max(worst, Math.abs(fd - t.grad!.data()[i]) / Math.max(1, Math.abs(fd)));
      }
    }
    return worst;
  }
  it('QuadraBlock', () => expect(fdCheck(new QuadraBlock(3, { kernelSize: 3, expansion: 2 }), [2, 3, 4, 3])).toBeLessThan(1e-6));
  it('ConvBlock', () => expect(fdCheck(new ConvBlock(3, { kernelSize: 3, expansion: 2 }), [1, 4, 3, 3])).toBeLessThan(1e-6));
});
