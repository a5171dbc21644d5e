/**
 * Conformance: every op's forward and backward on the native cpu backend against the reference
 * backend, float32, seeded shapes that straddle SIMD widths. Skipped (with the reason) when the
 * native module is not loaded.
 */
import { nativeLoadError } from '@quadranet/lib';
import { afterAll, describe, expect, it } from 'vitest';
import * as q from '../src/index.js';
import { rand32, relL2, SEED } from './helpers.js';

const native = nativeLoadError() === null;

/** Relative L2 error, with an absolute floor for results that are ~0 (e.g. layer norm over 1 channel). */
function mixedErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-2 * Math.sqrt(a.length));
}
const SIZES = [1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127];

type Build = (g: q.Generator, c: number) => { inputs: q.Tensor[]; f: (xs: q.Tensor[]) => q.Tensor };

/** Runs f on copies of the inputs under one backend; returns the output and input gradients. */
function run(backend: q.BackendName, inputs: q.Tensor[], f: (xs: q.Tensor[]) => q.Tensor, seedGrad: Float32Array) {
  q.setBackend(backend);
  const xs = inputs.map((t) => q.tensor(Float32Array.from(t.data() as Float32Array), [...t.shape]).requireGrad());
  const y = f(xs);
  const out = Float32Array.from(y.data() as Float32Array);
  y.backward(q.tensor(Float32Array.from(seedGrad), [...y.shape]));
  return { out, grads: xs.map((x) => Float32Array.from(x.grad!.data() as Float32Array)) };
}

const ops: [string, number, Build][] = [
  ['linear', 1e-5, (g, c) => ({ inputs: [rand32([3, c], g), rand32([c + 2, c], g), rand32([c + 2], g)], f: ([x, w, b]) => q.linear(x, w, b) })],
  ['matmul', 1e-5, (g, c) => ({ inputs: [rand32([2, 3, c], g), rand32([2, c, 5], g)], f: ([a, b]) => q.matmul(a, b) })],
  ['layerNorm', 1e-5, (g, c) => ({ inputs: [rand32([5, c], g, 2), rand32([c], g), rand32([c], g)], f: ([x, w, b]) => q.layerNorm(x, w, b, c === 1 ? 1e-2 : 1e-6) })], // C=1: var 0, rstd = 1/sqrt(eps) amplifies rounding
  ['linearGelu', 1e-5, (g, c) => ({ inputs: [rand32([3, c], g), rand32([c + 2, c], g), rand32([c + 2], g)], f: ([x, w, b]) => q.linearGelu(x, w, b) })],
  ['gelu', 1e-5, (g, c) => ({ inputs: [rand32([3, c], g, 3)], f: ([x]) => q.gelu(x) })],
  ['scaleAdd', 1e-6, (g, c) => ({ inputs: [rand32([4, c], g), rand32([4, c], g), rand32([c], g)], f: ([x, z, s]) => q.scaleAdd(x, z, s) })],
  ['mul row + add same', 1e-6, (g, c) => ({ inputs: [rand32([3, c], g), rand32([c], g), rand32([3, c], g)], f: ([a, b, d]) => q.add(q.mul(a, b), d) })],
  ['sub/div scalar', 1e-6, (g, c) => ({ inputs: [rand32([2, c], g), q.tensor([1.7], [1])], f: ([a, s]) => q.div(q.sub(a, s), s) })],
  ['mean over rows', 1e-6, (g, c) => ({ inputs: [rand32([6, c], g)], f: ([a]) => q.mean(a, 0) })],
  ['conv2d', 1e-5, (g, c) => ({ inputs: [rand32([2, 6, 5, c], g), rand32([4, 3, 3, c], g), rand32([4], g)], f: ([x, w, b]) => q.conv2d(x, w, b, { stride: 2, padding: 1 }) })],
  ['quadConv2d', 1e-5, (g, c) => ({ inputs: [rand32([2, 5, 6, c], g), rand32([3, 3, c], g), rand32([c], g), rand32([3, 3, c], g), rand32([c], g), rand32([3, 3, c], g), rand32([c], g)], f: ([x, wa, ba, wb, bb, wc, bc]) => q.quadConv2d(x, { wa, ba, wb, bb, wc, bc }, 3) })],
  ['permute (last axis kept)', 1e-7, (g, c) => ({ inputs: [rand32([3, 2, 5, c], g)], f: ([x]) => q.permute(x, [2, 0, 1, 3]) })],
  ['permute (last axis moves)', 1e-7, (g, c) => ({ inputs: [rand32([2, 3, 4, c], g)], f: ([x]) => q.permute(x, [0, 3, 2, 1]) })],
  ['slice (non-leading axis)', 1e-7, (g, c) => ({ inputs: [rand32([3, 6, c], g)], f: ([x]) => q.slice(x, 1, 2, 5) })],
  ['slice (last axis)', 1e-7, (g, c) => ({ inputs: [rand32([4, c + 2], g)], f: ([x]) => q.slice(x, -1, 1, c + 1) })],
  ['concat', 1e-7, (g, c) => ({ inputs: [rand32([2, 3, c], g), rand32([2, 1, c], g)], f: ([a, b]) => q.concat([a, b], 1) })],
  ['pad', 1e-7, (g, c) => ({ inputs: [rand32([2, 5, 4, c], g)], f: ([x]) => q.pad(x, [[0, 0], [3, 3], [1, 2], [0, 0]]) })],
  ['roll', 1e-7, (g, c) => ({ inputs: [rand32([2, 7, 5, c], g)], f: ([x]) => q.roll(x, [-3, 2, 1], [1, 2, 3]) })],
  ['gather (repeated indices)', 1e-7, (g, c) => ({ inputs: [rand32([5, c], g)], f: ([x]) => q.gather(x, [4, 0, 4, 2, 1, 4], 0) })],
  ['gather (middle axis)', 1e-7, (g, c) => ({ inputs: [rand32([2, 6, c], g)], f: ([x]) => q.gather(x, [5, 5, 0], 1) })],
  ['softmax', 1e-5, (g, c) => ({ inputs: [rand32([6, c], g, 4)], f: ([x]) => q.softmax(x) })],
  ['logSoftmax', 1e-5, (g, c) => ({ inputs: [rand32([6, c], g, 4)], f: ([x]) => q.logSoftmax(x) })],
  ['crossEntropy', 1e-5, (g, c) => ({ inputs: [rand32([4, c], g, 3)], f: ([x]) => q.crossEntropy(x, [0, c - 1, Math.floor(c / 2), 0], { labelSmoothing: 0.1 }) })],
  ['add broadcast (leading + middle axes)', 1e-6, (g, c) => ({ inputs: [rand32([3, 2, 4, c], g), rand32([2, 1, c], g)], f: ([a, b]) => q.add(a, b) })],
  ['mul/div broadcast (a broadcasts)', 1e-6, (g, c) => ({ inputs: [rand32([1, 3, c], g), q.add(rand32([2, 3, 1], g), q.tensor([3], [1]))], f: ([a, b]) => q.add(q.mul(a, b), q.div(a, b)) })],
  ['sum over middle axis', 1e-6, (g, c) => ({ inputs: [rand32([3, 5, c], g)], f: ([a]) => q.sum(a, 1) })],
  ['sum over last axis, mean over [0, 2]', 1e-6, (g, c) => ({ inputs: [rand32([2, 3, 5, c], g)], f: ([a]) => q.mean(q.sum(a, -1), [0, 2]) })],
  ['dwConv2d', 1e-5, (g, c) => ({ inputs: [rand32([1, 7, 4, c], g), rand32([5, 5, c], g), rand32([c], g)], f: ([x, w, b]) => q.dwConv2d(x, w, b, 5) })],
];

describe.skipIf(!native)(`native cpu backend vs reference (seed ${SEED})`, () => {
  afterAll(() => q.setBackend('cpu'));
  for (const [name, tol, build] of ops) {
    it.each(SIZES)(`${name}, C=%i`, (c) => {
      const g = new q.Generator(SEED + c);
      const { inputs, f } = build(g, c);
      const probe = q.noGrad(() => f(inputs));
      const seed = rand32([...probe.shape], g).data() as Float32Array;
      const ref = run('ref', inputs, f, seed);
      const cpu = run('cpu', inputs, f, seed);
      expect(mixedErr(cpu.out, ref.out)).toBeLessThan(tol);
      cpu.grads.forEach((gr, i) => expect(mixedErr(gr, ref.grads[i]), `grad of input ${i}`).toBeLessThan(tol * 10));
    });
  }
});

describe.runIf(!native)('native cpu backend', () => {
  it('is skipped: the native module did not load', () => {
    console.warn(`conformance skipped: ${nativeLoadError()?.message.split('\n')[0]}`);
  });
});

describe('optimizer kernels: native vs reference', () => {
  it.skipIf(!native)('AdamW and SGD steps agree', () => {
    const results: Float32Array[] = [];
    for (const backend of ['ref', 'cpu'] as const) {
      q.setBackend(backend);
      const p = new q.nn.Parameter(rand32([67], new q.Generator(1)));
      const a = new q.optim.AdamW([p], { lr: 0.01, weightDecay: 0.1 });
      for (let i = 0; i < 3; i++) {
        p.grad = rand32([67], new q.Generator(100 + i));
        a.step();
      }
      const s = new q.optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
      for (let i = 0; i < 2; i++) {
        p.grad = rand32([67], new q.Generator(200 + i));
        s.step();
      }
      results.push(Float32Array.from(p.data() as Float32Array));
    }
    q.setBackend('cpu');
    expect(relL2(results[1], results[0])).toBeLessThan(1e-6);
  });
});
