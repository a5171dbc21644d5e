// Optimizer steps: two steps against values computed by hand from PyTorch's formulas (AdamW, SGD
// with momentum/dampening/weight decay, Nesterov), then native vs reference on random data.
import { describe, expect, it } from 'vitest';

import { adamwStep, sgdStep } from '../src/index.js';
import { adamwStepRef, sgdStepRef } from '../src/reference/index.js';
import { randomF32, relL2, rng } from './helpers.js';
import { forEachTarget, native, SEED, SIZES } from './targets.js';

const G1 = [0.5, 0.1], G2 = [-0.5, 0.2];

function expectClose(a: ArrayLike<number>, b: number[], tol: number) {
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i]), `[${i}] ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
}

// Worked by hand (lr 0.1, betas 0.9/0.999, eps 1e-8, wd 0.01, p0 = [1, -2]):
// step 1: p *= 0.999 -> [0.999, -1.998]; m = [0.05, 0.01]; v = [2.5e-4, 1e-5]; m^ = [0.5, 0.1], sqrt(v^) = [0.5, 0.1]
//         p -= 0.1 * m^ / (sqrt(v^) + 1e-8) -> [0.899000002, -2.09799999]
// step 2: p *= 0.999; m = [-0.005, 0.029]; v = [4.9975e-4, 4.999e-5]; bias corrections 0.19 and 0.001999:
//         m^ = [-0.0263157895, 0.1526315789], sqrt(v^) = [0.5, 0.1581376] -> p = [0.90336415979, -2.19242018649]
const ADAMW_STEPS = [[0.899000002, -2.09799999], [0.9033641597874735, -2.1924201864887465]];
const ADAMW_M = [-0.005, 0.029], ADAMW_V = [4.9975e-4, 4.999e-5];

// lr 0.1, momentum 0.9, dampening 0.1, wd 0.01, p0 = [1, -2]:
// step 1 (buffer empty): d = g + 0.01 p = [0.51, 0.08]; buf = d; p -= 0.1 buf -> [0.949, -2.008]
// step 2: d = [-0.49051, 0.17992]; buf = 0.9 [0.51, 0.08] + 0.9 d = [0.017541, 0.233928]; p -> [0.9472459, -2.0313928]
const SGD_STEPS = [[0.949, -2.008], [0.9472459, -2.0313928]];
// Nesterov (dampening 0): step 1: buf = d = [0.51, 0.08]; p -= 0.1 * 1.9 d -> [0.9031, -2.0152]
// step 2: d = [-0.490969, 0.179848]; buf = [-0.031969, 0.251848]; d + 0.9 buf = [-0.5197411, 0.4065112]
//         -> p = [0.95507411, -2.05585112]
const NESTEROV_STEPS = [[0.9031, -2.0152], [0.95507411, -2.05585112]];

describe('optimizer steps vs hand-computed values', () => {
  it('adamwStep, two steps', () => {
    const p = Float32Array.of(1, -2), m = new Float32Array(2), v = new Float32Array(2);
    adamwStep(p, Float32Array.from(G1), m, v, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 1 });
    expectClose(p, ADAMW_STEPS[0], 1e-6);
    adamwStep(p, Float32Array.from(G2), m, v, { lr: 0.1, step: 2 }); // torch defaults for the rest
    expectClose(p, ADAMW_STEPS[1], 1e-6);
    expectClose(m, ADAMW_M, 1e-6);
    expectClose(v, ADAMW_V, 1e-6);
  });

  it('sgdStep with momentum, dampening and weight decay, two steps', () => {
    const p = Float32Array.of(1, -2), buf = new Float32Array(2).fill(123); // garbage: the first step overwrites it
    const o = { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 };
    sgdStep(p, Float32Array.from(G1), buf, { ...o, firstStep: true });
    expectClose(p, SGD_STEPS[0], 1e-6);
    sgdStep(p, Float32Array.from(G2), buf, o);
    expectClose(p, SGD_STEPS[1], 1e-6);
  });

  it('sgdStep Nesterov, two steps', () => {
    const p = Float32Array.of(1, -2), buf = new Float32Array(2);
    const o = { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true };
    sgdStep(p, Float32Array.from(G1), buf, { ...o, firstStep: true });
    expectClose(p, NESTEROV_STEPS[0], 1e-6);
    sgdStep(p, Float32Array.from(G2), buf, o);
    expectClose(p, NESTEROV_STEPS[1], 1e-6);
  });

  it('sgdStep plain (no momentum buffer)', () => {
    const p = Float32Array.of(1, -2);
    sgdStep(p, Float32Array.from(G1), undefined, { lr: 0.1 });
    expectClose(p, [0.95, -2.01], 1e-7);
  });

  it('the reference gives the same two steps in float64', () => {
    const p = Float64Array.of(1, -2), m = new Float64Array(2), v = new Float64Array(2);
    const o = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
    adamwStepRef(p, Float64Array.from(G1), m, v, { ...o, step: 1 });
    adamwStepRef(p, Float64Array.from(G2), m, v, { ...o, step: 2 });
    expectClose(p, ADAMW_STEPS[1], 1e-14);
    const q = Float64Array.of(1, -2), buf = new Float64Array(2);
    const s = { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false };
    sgdStepRef(q, Float64Array.from(G1), buf, { ...s, firstStep: true });
    sgdStepRef(q, Float64Array.from(G2), buf, { ...s, firstStep: false });
    expectClose(q, SGD_STEPS[1], 1e-14);
  });
});

forEachTarget('optimizer steps native vs reference', (target, ti) => {
  for (const n of ti === 0 ? [...SIZES, 50_000] : [1, 9, 17, 65]) {
    it(`adamw and sgd, 3 steps, n ${n}`, () => {
      if (!native) return;
      const r = rng(SEED + n);
      const p0 = randomF32(r, n);
      const grads = [randomF32(r, n), randomF32(r, n), randomF32(r, n)];
      const p = p0.slice(), m = new Float32Array(n), v = new Float32Array(n);
      const pr = new Float64Array(p0), mr = new Float64Array(n), vr = new Float64Array(n);
      const o = { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 0.05 };
      grads.forEach((g, t) => {
        adamwStep(p, g, m, v, { ...o, step: t + 1 });
        adamwStepRef(pr, g, mr, vr, { ...o, step: t + 1 });
      });
      expect(relL2(p, pr), 'adamw param').toBeLessThanOrEqual(1e-6);
      expect(relL2(v, vr), 'adamw v').toBeLessThanOrEqual(1e-6);

      const q = p0.slice(), buf = new Float32Array(n), qr = new Float64Array(p0), bufr = new Float64Array(n);
      const s = { lr: 0.05, momentum: 0.9, dampening: 0.2, weightDecay: 1e-3, nesterov: false };
      grads.forEach((g, t) => {
        sgdStep(q, g, buf, { ...s, firstStep: t === 0 });
        sgdStepRef(qr, g, bufr, { ...s, firstStep: t === 0 });
      });
      expect(relL2(q, qr), 'sgd param').toBeLessThanOrEqual(1e-6);
      expect(relL2(buf, bufr), 'sgd buffer').toBeLessThanOrEqual(1e-6);
    });
  }
});
