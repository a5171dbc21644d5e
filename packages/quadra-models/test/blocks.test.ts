/** QuadraBlock and ConvBlock: reference parameter names, the forward against op-by-op composition, gradients. */
import * as q from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { fdCheck, randomise, relL2 } from './block-helpers.js';
import { ConvBlock, QuadraBlock } from '../src/index.js';

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
  it('QuadraBlock', () => expect(fdCheck(new QuadraBlock(3, { kernelSize: 3, expansion: 2 }), [2, 3, 4, 3])).toBeLessThan(1e-6));
  it('ConvBlock', () => expect(fdCheck(new ConvBlock(3, { kernelSize: 3, expansion: 2 }), [1, 4, 3, 3])).toBeLessThan(1e-6));
});
