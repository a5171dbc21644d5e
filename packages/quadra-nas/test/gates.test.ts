import { Generator } from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { alphaGradFromGates, AlphaAdam, binarizeTwo, rescaleInvolved, sampleIndex, samplePair, softmax } from '../src/index.js';

const SEED = 1234;
const fd = (f: (a: Float64Array) => number, a: Float64Array, h = 1e-6) =>
  Float64Array.from(a, (_, i) => {
    const p = Float64Array.from(a);
    const m = Float64Array.from(a);
    p[i] += h;
    m[i] -= h;
    return (f(p) - f(m)) / (2 * h);
  });

describe('alpha gradient from gate gradients', () => {
  // with a loss linear in the gates, L = Σ g_j c_j, the gate gradients are c and the expected loss over the gates is Σ p_j c_j
  it('matches finite differences of the expected loss when every path is involved', () => {
    const g = new Generator(SEED);
    for (let trial = 0; trial < 5; trial++) {
      const n = 2 + trial;
      const alpha = Float64Array.from({ length: n }, () => g.normal());
      const c = Array.from({ length: n }, () => g.normal());
      const expected = (a: Float64Array) => softmax(a).reduce((s, p, j) => s + p * c[j], 0);
      const got = alphaGradFromGates(alpha, [...Array(n).keys()], c);
      const want = fd(expected, alpha);
      for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(want[i], 7);
    }
  });

  it('over a sampled pair, matches the expected loss over the pair (p renormalised) and is 0 elsewhere', () => {
    const g = new Generator(SEED + 1);
    const alpha = Float64Array.from({ length: 7 }, () => g.normal());
    const c = [0.7, -1.3];
    const involved = [4, 1];
    const expected = (a: Float64Array) => {
      const p = softmax(involved.map((i) => a[i]));
      return p[0] * c[0] + p[1] * c[1];
    };
    const got = alphaGradFromGates(alpha, involved, c);
    const want = fd(expected, alpha);
    for (let i = 0; i < 7; i++) expect(got[i]).toBeCloseTo(want[i], 7);
    expect([0, 2, 3, 5, 6].every((i) => got[i] === 0)).toBe(true);
  });
});

describe('rescale after an alpha step', () => {
  it('keeps the unsampled paths’ probabilities to 1e-6', () => {
    const g = new Generator(SEED + 2);
    for (let trial = 0; trial < 20; trial++) {
      const alpha = Float64Array.from({ length: 7 }, () => g.normal());
      const before = Float64Array.from(alpha);
      const p0 = softmax(alpha);
      const s = binarizeTwo(alpha, g);
      // an Adam step with gradients only on the pair
      const grad = alphaGradFromGates(alpha, s.involved, [g.normal(), g.normal()]);
      new AlphaAdam([alpha], { lr: 0.3 }).step([grad]);
      rescaleInvolved(alpha, before, s.involved);
      const p1 = softmax(alpha);
      for (let i = 0; i < 7; i++) if (!s.involved.includes(i)) expect(Math.abs(p1[i] - p0[i])).toBeLessThan(1e-6);
      // the pair's total probability is kept too, and the step did change the pair
      expect(Math.abs(p1[s.active] + p1[s.inactive] - p0[s.active] - p0[s.inactive])).toBeLessThan(1e-6);
    }
  });

  it('Adam with beta1 = 0 leaves parameters with a zero gradient where they are', () => {
    const a = Float64Array.from([0.1, -0.2, 0.3]);
    const opt = new AlphaAdam([a], { lr: 0.1 });
    opt.step([Float64Array.from([1, 0, 0])]);
    opt.step([Float64Array.from([0, 0, -1])]);
    expect(a[1]).toBe(-0.2);
    expect(a[0]).toBeLessThan(0.1);
    expect(a[2]).toBeGreaterThan(0.3);
  });
});

describe('gate sampling', () => {
  const alpha = Float64Array.from([1.2, 0.1, -0.5, 0.6, 0]);
  const p = softmax(alpha);
  const N = 40000;
  // a binomial share's standard deviation is at most 0.5/sqrt(N) = 0.0025: 5 sigma
  const TOL = 0.0125;

  it('one path per layer: frequencies match softmax(alpha)', () => {
    const g = new Generator(SEED + 3);
    const counts = new Array(p.length).fill(0);
    for (let i = 0; i < N; i++) counts[sampleIndex(p, g)]++;
    counts.forEach((c, i) => expect(Math.abs(c / N - p[i])).toBeLessThan(TOL));
  });

  it('two paths: pairs drawn by softmax(alpha) without replacement, the active one by the pair’s renormalised p', () => {
    const g = new Generator(SEED + 4);
    const first = new Array(p.length).fill(0);
    const second = new Array(p.length).fill(0);
    for (let i = 0; i < N; i++) {
      const [a, b] = samplePair(p, g);
      expect(a).not.toBe(b);
      first[a]++;
      second[b]++;
    }
    first.forEach((c, i) => expect(Math.abs(c / N - p[i])).toBeLessThan(TOL));
    // P(second = i) = Σ_{j≠i} p_j p_i / (1 − p_j)
    const want2 = Array.from(p, (pi, i) => Array.from(p, (pj, j) => (j === i ? 0 : (pj * pi) / (1 - pj))).reduce((s, v) => s + v, 0));
    second.forEach((c, i) => expect(Math.abs(c / N - want2[i])).toBeLessThan(TOL));
    // within a fixed pair the active path follows softmax of the pair's alphas
    let hits = 0;
    let total = 0;
    for (let i = 0; i < N; i++) {
      const s = binarizeTwo(alpha, g);
      const pair = [...s.involved].sort();
      if (pair[0] === 0 && pair[1] === 3) {
        total++;
        if (s.active === 0) hits++;
      }
    }
    const q = softmax([alpha[0], alpha[3]]);
    expect(total).toBeGreaterThan(1000);
    expect(Math.abs(hits / total - q[0])).toBeLessThan(5 * 0.5 / Math.sqrt(total));
  });
});
