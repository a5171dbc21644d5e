// The inference path of every block family (eval + noGrad: packed MLP GEMMs with bias, GELU,
// folded layer scale and residual in the epilogue) against the training path's forward; packed
// weights rebuilt after every way weights change; nothing allocated per call after the first;
// everything released by dispose().
import * as q from '@quadranet/core';
import { describe, expect, it } from 'vitest';

import { QuadraNet, SMALL_IMAGE_STEM } from '../src/index.js';
import { randomise, relL2 } from './block-helpers.js';

const FAMILIES = ['quadra', 'conv', 'hor', 'swin'] as const;

function net(block: (typeof FAMILIES)[number]): QuadraNet {
  return new QuadraNet({ depths: [1, 1, 1, 1], dims: [8, 16, 32, 64], numClasses: 10, inChannels: 1, stem: SMALL_IMAGE_STEM, kernelSizes: [3, 3, 3, 3], block: [block, block, block, block] });
}

function input(n: number, seed: number): q.Tensor {
  return q.randn([n, 28, 28, 1], { generator: new q.Generator(seed) });
}

/** The training path's forward in eval mode: gradients on, so no packing. */
const reference = (m: q.nn.Module, x: q.Tensor) => q.scope(() => Float32Array.from(m.forward(x).dataSync()));
const inferred = (m: q.nn.Module, x: q.Tensor) => q.noGrad(() => q.scope(() => Float32Array.from(m.forward(x).dataSync())));

describe('inference path (eval + noGrad)', () => {
  for (const family of FAMILIES) {
    it(`${family} blocks: equals the training path's forward`, () => {
      const m = net(family);
      randomise(m, 3);
      m.eval();
      const x = input(3, 1);
      const want = reference(m, x);
      expect(relL2(inferred(m, x), want)).toBeLessThanOrEqual(1e-5);
      // A second call reuses the packed weights and gives the same values bit for bit.
      expect(inferred(m, x)).toEqual(inferred(m, x));
      x.dispose();
      m.dispose();
    });
  }

  it('keeps packed weights per backend: native then reference then native again give the reference forward', () => {
    const m = net('quadra');
    randomise(m, 8);
    m.eval();
    const x = input(2, 5);
    const native = inferred(m, x);
    q.setBackend('ref');
    try {
      expect(relL2(inferred(m, x), native)).toBeLessThanOrEqual(1e-4);
    } finally {
      q.setBackend('cpu');
    }
    expect(inferred(m, x)).toEqual(native);
    x.dispose();
    m.dispose();
  });

  it('repacks after loadStateDict, an optimizer step and a data() write', () => {
    const m = net('quadra');
    randomise(m, 4);
    m.eval();
    const x = input(2, 2);
    inferred(m, x); // packs
    const other = net('quadra');
    randomise(other, 5);
    m.loadStateDict(other.stateDict());
    other.dispose();
    expect(relL2(inferred(m, x), reference(m, x))).toBeLessThanOrEqual(1e-5);

    const opt = new q.optim.SGD(m.parameters(), { lr: 0.5 });
    m.train();
    q.scope(() => q.sum(m.forward(x)).backward());
    opt.step();
    m.zeroGrad();
    m.eval();
    expect(relL2(inferred(m, x), reference(m, x))).toBeLessThanOrEqual(1e-5);

    const [, w] = [...m.namedParameters()].find(([name]) => name.endsWith('pwconv2.weight'))!;
    w.data().fill(0.25);
    expect(relL2(inferred(m, x), reference(m, x))).toBeLessThanOrEqual(1e-5);
    x.dispose();
    m.dispose();
  });

  it('allocates nothing per call after the first, keeps memory() flat and frees all on dispose()', () => {
    const base = q.memory().cpu.live;
    const m = net('quadra');
    q.scope(() => randomise(m, 6)); // randomise's random tensors are freed here
    m.eval();
    const x = input(2, 3);
    for (let i = 0; i < 3; i++) inferred(m, x);
    const before = q.memory().cpu;
    for (let i = 0; i < 200; i++) inferred(m, x);
    const after = q.memory().cpu;
    expect(after.allocations).toBe(before.allocations);
    expect(after.live).toBe(before.live);
    expect(after.count).toBe(before.count);
    x.dispose();
    m.dispose();
    expect(q.memory().cpu.live).toBe(base);
  });

  it('releases the packed weights when switched back to training', () => {
    const m = net('conv');
    m.eval();
    const x = input(1, 4);
    const params = q.memory().cpu.live;
    inferred(m, x);
    expect(q.memory().cpu.live).toBeGreaterThan(params);
    m.train();
    expect(q.memory().cpu.live).toBe(params);
    x.dispose();
    m.dispose();
  });
});
