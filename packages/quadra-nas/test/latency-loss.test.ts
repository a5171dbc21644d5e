import { Generator } from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { expectedLatency, latencyLoss, softmax } from '../src/index.js';

const g = new Generator(99);
const alphas = [3, 5, 2].map((n) => Float64Array.from({ length: n }, () => g.normal()));
const lat = alphas.map((a) => Array.from(a, () => 0.1 + 3 * g.uniform()));
const FIXED = 1.7;

const direct = (as: readonly Float64Array[]) => FIXED + as.reduce((s, a, l) => s + softmax(a).reduce((t, p, i) => t + p * lat[l][i], 0), 0);

describe('expected latency', () => {
  it('equals fixed + Σ_l Σ_i p_li lat_li', () => {
    expect(expectedLatency(alphas, lat, FIXED).value).toBeCloseTo(direct(alphas), 12);
  });

  it('its gradient matches central finite differences', () => {
    const { grad } = expectedLatency(alphas, lat, FIXED);
    const h = 1e-6;
    alphas.forEach((a, l) => {
      for (let i = 0; i < a.length; i++) {
        const plus = alphas.map((x) => Float64Array.from(x));
        const minus = alphas.map((x) => Float64Array.from(x));
        plus[l][i] += h;
        minus[l][i] -= h;
        expect(grad[l][i]).toBeCloseTo((direct(plus) - direct(minus)) / (2 * h), 7);
      }
    });
  });

  it('rejects a latency list that does not match the layer', () => {
    expect(() => expectedLatency(alphas, [lat[0], lat[1]], FIXED)).toThrow(/one latency list per layer/);
    expect(() => expectedLatency(alphas, [lat[0], lat[2], lat[1]], FIXED)).toThrow(/layer 1 has 5 candidates but 2/);
  });
});

describe('latency loss', () => {
  const cases = [
    { kind: 'mul-log' as const, targetMs: 4, scale: 0.2, beta: 0.3 },
    { kind: 'mul-log' as const, targetMs: 0.5, scale: 0.2, beta: 0.3 },
    { kind: 'add-linear' as const, targetMs: 4, lambda: 0.1 },
    { kind: 'add-abs' as const, targetMs: 4, lambda: 0.1 },
    { kind: 'add-abs' as const, targetMs: 2, lambda: 0.3 },
  ];
  for (const o of cases) {
    it(`${o.kind} (T ${o.targetMs} ms): value and partial derivatives`, () => {
      const ce = 1.3;
      const E = 3.1;
      const v = latencyLoss(ce, E, o);
      const lambda = o.lambda ?? 0.1;
      const want = o.kind === 'mul-log' ? 0.2 * ce * (Math.log(E * 1000) / Math.log(o.targetMs * 1000)) ** 0.3
        : o.kind === 'add-linear' ? ce + (lambda * (E - o.targetMs)) / o.targetMs : ce + (lambda * Math.abs(E - o.targetMs)) / o.targetMs;
      expect(v.loss).toBeCloseTo(want, 12);
      const h = 1e-6;
      expect(v.dCe).toBeCloseTo((latencyLoss(ce + h, E, o).loss - latencyLoss(ce - h, E, o).loss) / (2 * h), 7);
      expect(v.dLat).toBeCloseTo((latencyLoss(ce, E + h, o).loss - latencyLoss(ce, E - h, o).loss) / (2 * h), 7);
    });
  }

  it('rejects an unknown form and a target of 1 µs or less', () => {
    expect(() => latencyLoss(1, 1, { kind: 'mul-exp' as never, targetMs: 1 })).toThrow(/'mul-log', 'add-linear' or 'add-abs'/);
    expect(() => latencyLoss(1, 1, { kind: 'mul-log', targetMs: 0.0005 })).toThrow(/above 0.001 ms/);
  });
});
