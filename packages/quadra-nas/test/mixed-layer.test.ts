import { Generator, noGrad, randn, sum, mul, manualSeed } from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { alphaGradFromGates, candidateList, MixedLayer, softmax } from '../src/index.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('MixedLayer binary gates', () => {
  it('gate gradients are ⟨o_j, ∂L/∂y⟩, and the alpha gradient matches finite differences of the pair’s expected loss', () => {
    manualSeed(5);
    const cands = candidateList({ kernelSizes: [3, 5], expansions: [2], skip: true });
    const layer = new MixedLayer(6, cands, 0.5);
    const x = randn([2, 5, 5, 6]);
    const w = randn([2, 5, 5, 6]);
    // each path's output, one at a time
    const outs = cands.map((_, i) => {
      layer.setSingle(i);
      return noGrad(() => layer.forward(x)).dataSync().slice();
    });
    const wv = w.dataSync();
    const Lj = outs.map((o) => dot(o, wv)); // L = ⟨w, y⟩ is linear in the gates
    for (const [a, b] of [[0, 1], [2, 0], [1, 2]] as const) {
      layer.setTwo(a, b);
      const y = layer.forward(x);
      const L = sum(mul(y, w));
      expect(L.item()).toBeCloseTo(Lj[a], 2);
      L.backward();
      const [ga, gb] = layer.takeGateGrads();
      expect(ga).toBeCloseTo(Lj[a], 2);
      expect(gb).toBeCloseTo(Lj[b], 2);
      layer.zeroGrad();
      const g = new Generator(a * 10 + b);
      const alpha = Float64Array.from(cands, () => g.normal());
      const grad = alphaGradFromGates(alpha, [a, b], [ga, gb]);
      const expected = (al: Float64Array) => {
        const p = softmax([al[a], al[b]]);
        return p[0] * Lj[a] + p[1] * Lj[b];
      };
      const h = 1e-6;
      for (let i = 0; i < alpha.length; i++) {
        const plus = Float64Array.from(alpha);
        const minus = Float64Array.from(alpha);
        plus[i] += h;
        minus[i] -= h;
        const want = (expected(plus) - expected(minus)) / (2 * h);
        expect(Math.abs(grad[i] - want)).toBeLessThan(1e-3 * Math.max(1, Math.abs(want)));
      }
    }
    layer.dispose();
  });

  it('only the active path records a tape: the inactive path’s parameters get no gradient', () => {
    manualSeed(6);
    const cands = candidateList({ kernelSizes: [3, 5], expansions: [2], skip: false });
    const layer = new MixedLayer(4, cands);
    layer.setTwo(1, 0);
    const y = layer.forward(randn([1, 4, 4, 4]));
    sum(y).backward();
    layer.takeGateGrads();
    expect(layer.candidates[1].parameters().every((p) => p.grad !== null)).toBe(true);
    expect(layer.candidates[0].parameters().every((p) => p.grad === null)).toBe(true);
    layer.dispose();
  });

  it('rejects bad path indices and gate reads without a two-path forward', () => {
    const layer = new MixedLayer(4, candidateList({ kernelSizes: [3], expansions: [2], skip: true }));
    expect(() => layer.setSingle(2)).toThrow(/path index must be in \[0, 2\)/);
    expect(() => layer.setTwo(1, 1)).toThrow(/must differ/);
    expect(() => layer.takeGateGrads()).toThrow(/no two-path forward/);
    layer.dispose();
  });
});
