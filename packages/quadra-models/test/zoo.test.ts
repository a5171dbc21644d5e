/** The zoo: names, parameter counts and MACs against the reference, state-dict names, a forward. */
import * as q from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { createModel, modelNames, QuadraNet, SMALL_IMAGE_STEM } from '../src/index.js';

describe('zoo', () => {
  it('quadranet36_t at 224² and 1000 classes: 23,598,824 parameters, 4.13 GMACs (the reference)', () => {
    const s = createModel('quadranet36_t').summary(224);
    expect(s.params).toBe(23_598_824);
    expect(s.macs / 1e9).toBeCloseTo(4.13, 2);
  });
  it('QuadraNet [2,2,18,2] C=64: 16.13 M parameters, 2.78 GMACs', () => {
    const s = new QuadraNet({ depths: [2, 2, 18, 2], dims: [64, 128, 256, 512] }).summary(224);
    expect(s.params / 1e6).toBeCloseTo(16.13, 2);
    expect(s.macs / 1e9).toBeCloseTo(2.78, 2);
  });
  it('every zoo name builds; widths and depths follow the name', () => {
    expect(modelNames()).toContain('quadranet25_xxs');
    const m = createModel('quadranet25_xxs', { numClasses: 10 });
    expect(m.options.dims).toEqual([16, 32, 64, 128]);
    expect(m.stages.map((s) => s.layers.length)).toEqual([2, 3, 18, 2]);
    expect(m.numParameters()).toBe(m.summary(224).params);
    expect(() => createModel('quadranet37_t')).toThrow(q.ArgumentError);
  });
  it('uses the reference state-dict names', () => {
    const names = [...createModel('quadranet25_xxs').stateDict().keys()];
    for (const n of ['downsample_layers.0.0.weight', 'downsample_layers.0.1.bias', 'downsample_layers.1.0.weight', 'downsample_layers.3.1.weight',
      'stages.0.0.norm1.weight', 'stages.2.17.QuadraConv.conv3.bias', 'stages.3.1.pwconv2.weight', 'stages.1.2.gamma2', 'norm.weight', 'head.bias']) {
      expect(names).toContain(n);
    }
  });
  it('drop-path rates rise linearly over all blocks', () => {
    const m = createModel('quadranet25_xxs', { dropPathRate: 0.5 });
    const rates = m.stages.flatMap((s) => s.layers.map((b) => (b as unknown as { drop: number }).drop));
    expect(rates[0]).toBe(0);
    expect(rates[rates.length - 1]).toBeCloseTo(0.5, 12);
    expect(rates[12] - rates[11]).toBeCloseTo(0.5 / 24, 12);
  });
  it('a small-image model runs forward and backward on 28×28×1', () => {
    const m = new QuadraNet({ depths: [1, 1, 1, 1], dims: [8, 16, 32, 64], numClasses: 10, inChannels: 1, stem: SMALL_IMAGE_STEM, kernelSizes: [3, 3, 3, 3] });
    const x = q.randn([2, 28, 28, 1]);
    const loss = q.scope(() => q.crossEntropy(m.forward(x), [3, 7]));
    loss.backward();
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    expect(m.summary(28).layers[0].output).toEqual([28, 28, 8]);
    expect(() => m.forward(q.randn([1, 28, 28, 3]))).toThrow(/NHWC/);
  });
});
