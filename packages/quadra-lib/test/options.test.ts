// Unknown keys in the functions' option objects are an ArgumentError naming the key and the accepted ones.
import { describe, expect, it } from 'vitest';

import {
  adamwStep, ArgumentError, checkOptionKeys, crossEntropy, dwconv2d, gelu, gemm, layerNorm, linear, quadconv2dBackward,
  sgdStep, softmax,
} from '../src/index.js';
import { thrown } from './helpers.js';

const f = (n: number) => new Float32Array(n);

function expectUnknown(fn: () => unknown, where: string, key: string, accepted: string) {
  const err = thrown(fn);
  expect(err, 'expected a throw').toBeInstanceOf(ArgumentError);
  expect((err as Error).message).toContain(`${where}: unknown option '${key}'`);
  expect((err as Error).message).toContain(`accepted options: ${accepted}`);
}

describe('checkOptionKeys', () => {
  it('passes undefined and known keys, names the unknown key, suggests the close one', () => {
    expect(() => checkOptionKeys('f', undefined, ['a'])).not.toThrow();
    expect(() => checkOptionKeys('f', { a: 1 }, ['a', 'b'])).not.toThrow();
    const err = thrown(() => checkOptionKeys('AdamW', { learningRate: 1 }, ['lr', 'betas']));
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message).toBe("AdamW: unknown option 'learningRate'; accepted options: lr, betas");
    expect((thrown(() => checkOptionKeys('f', { Out: 1 }, ['out'])) as Error).message).toContain("did you mean 'out'?");
    expect((thrown(() => checkOptionKeys('f', { weightDecy: 1 }, ['weightDecay'])) as Error).message).toContain("did you mean 'weightDecay'?");
  });

  it('rejects a non-object', () => {
    expect(thrown(() => checkOptionKeys('f', 3, ['a']))).toBeInstanceOf(ArgumentError);
  });
});

describe('kernel functions reject unknown option keys', () => {
  const s = { n: 1, h: 3, w: 3, c: 2 };
  it('conv', () => {
    expectUnknown(() => dwconv2d(f(18), s, { w: f(18) }, 3, { output: f(18) } as never), 'dwconv2d', 'output', 'out');
    const w = { wa: f(18), wb: f(18), wc: f(18) };
    expectUnknown(() => quadconv2dBackward(f(18), s, w, 3, f(18), { out: { dX: f(18) } } as never), 'quadconv2dBackward', 'dX', 'dx, dwa');
  });
  it('dense', () => {
    expectUnknown(() => gemm(f(4), f(4), undefined, { m: 2, n: 2, k: 2, transpose: true } as never), 'gemm', 'transpose', 'm, n, k, transA');
    expectUnknown(() => linear(f(4), f(4), undefined, { rows: 2, inFeatures: 2, outFeatures: 2 }, { outBuffer: f(4) } as never), 'linear', 'outBuffer', 'out');
    expectUnknown(() => layerNorm(f(4), 2, 2, f(2), f(2), 1e-5, { epsilon: 1 } as never), 'layerNorm', 'epsilon', 'out, mean, rstd');
  });
  it('elementwise and softmax', () => {
    expectUnknown(() => gelu(f(4), { approximate: 'tanh' } as never), 'gelu', 'approximate', 'out');
    expectUnknown(() => softmax(f(4), 2, 2, { dim: 1 } as never), 'softmax', 'dim', 'out, log');
    expectUnknown(() => crossEntropy(f(4), 2, 2, new Int32Array(2), { labelSmoothing: 0.1 } as never), 'crossEntropy', 'labelSmoothing', 'smoothing, probs');
  });
  it('optimizer steps', () => {
    expectUnknown(() => adamwStep(f(2), f(2), f(2), f(2), { lr: 1, step: 1, learningRate: 1 } as never), 'adamwStep', 'learningRate', 'lr, beta1');
    expectUnknown(() => sgdStep(f(2), f(2), undefined, { lr: 1, nesterow: true } as never), 'sgdStep', 'nesterow', 'lr, momentum');
  });
});
