/** Every differentiable op: reference backward vs float64 central finite differences. */
import { describe, expect, it } from 'vitest';
import * as q from '../src/index.js';
import { gradcheck, rand64, SEED } from './helpers.js';

const TOL = 1e-6;
const g = new q.Generator(SEED);
const r = (...shape: number[]) => rand64(shape, g);

type Case = [string, () => number];

const cases: Case[] = [
  ['add broadcast', () => gradcheck(([a, b]) => q.add(a, b), [r(2, 3, 4), r(3, 1)])],
  ['sub broadcast', () => gradcheck(([a, b]) => q.sub(a, b), [r(4), r(2, 3, 4)])],
  ['mul row', () => gradcheck(([a, b]) => q.mul(a, b), [r(2, 3, 5), r(5)])],
  ['mul scalar tensor', () => gradcheck(([a, b]) => q.mul(a, b), [r(2, 3), r(1)])],
  ['div', () => gradcheck(([a, b]) => q.div(a, q.add(q.mul(b, b), 1)), [r(3, 4), r(3, 4)])],
  ['sum axes', () => gradcheck(([a]) => q.sum(a, [0, 2]), [r(2, 3, 4)])],
  ['mean keepDims', () => gradcheck(([a]) => q.mean(a, -1, true), [r(2, 3, 4)])],
  ['reshape + permute', () => gradcheck(([a]) => q.permute(q.reshape(a, [3, 2, -1]), [2, 0, 1]), [r(2, 3, 4)])],
  ['slice axis 1', () => gradcheck(([a]) => q.slice(a, 1, 1, 3), [r(2, 4, 3)])],
  ['slice axis 0 view', () => gradcheck(([a]) => q.slice(a, 0, 1), [r(3, 4)])],
  ['concat', () => gradcheck(([a, b]) => q.concat([a, b, a], 1), [r(2, 1, 3), r(2, 2, 3)])],
  ['split/chunk', () => gradcheck(([a]) => { const [p, , s] = q.chunk(a, 3, 1); return q.mul(p, s); }, [r(2, 6)])],
  ['linear', () => gradcheck(([x, w, b]) => q.linear(x, w, b), [r(2, 3, 5), r(4, 5), r(4)])],
  ['matmul batched', () => gradcheck(([a, b]) => q.matmul(a, b), [r(2, 3, 4), r(2, 4, 5)])],
  ['matmul shared', () => gradcheck(([a, b]) => q.matmul(a, b), [r(2, 3, 4), r(4, 2)])],
  ['layerNorm', () => gradcheck(([x, w, b]) => q.layerNorm(x, w, b, 1e-6), [r(3, 2, 7), r(7), r(7)])],
  ['layerNorm no affine', () => gradcheck(([x]) => q.layerNorm(x, null, null), [r(4, 9)])],
  ['linearGelu', () => gradcheck(([x, w, b]) => q.linearGelu(x, w, b), [r(2, 3, 5), r(4, 5), r(4)])],
  ['gelu', () => gradcheck(([x]) => q.gelu(x), [rand64([40], g, 3)])],
  ['scaleAdd', () => gradcheck(([x, z, s]) => q.scaleAdd(x, z, s), [r(2, 3, 4), r(2, 3, 4), r(4)])],
  ['scaleAdd with drop path folded', () => gradcheck(([x, z, s]) => q.scaleAdd(x, z, s, q.dropPathScale(4, 0.5, 'cpu', new q.Generator(3), 'float64')), [r(4, 3, 2), r(4, 3, 2), r(2)])],
  ['channelScale', () => gradcheck(([x, s]) => q.channelScale(x, s), [r(3, 5), r(5)])],
  ['globalAvgPool', () => gradcheck(([x]) => q.globalAvgPool(x), [r(2, 3, 4, 5)])],
  ['softmax', () => gradcheck(([x]) => q.softmax(x), [r(3, 6)])],
  ['logSoftmax', () => gradcheck(([x]) => q.logSoftmax(x), [r(3, 6)])],
  ['crossEntropy smoothed', () => gradcheck(([x]) => q.crossEntropy(x, [0, 5, 2], { labelSmoothing: 0.1 }), [r(3, 6)])],
  ['softCrossEntropy (mixed targets)', () => gradcheck(([x]) => q.softCrossEntropy(x, [0.7, 0.3, 0, 0, 0, 0, 0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.05, 0.05, 0.6, 0.05, 0.2, 0.05]), [r(3, 6)])],
  ['dropout (fixed mask)', () => gradcheck(([x]) => q.dropout(x, 0.4, true, new q.Generator(7)), [r(4, 5)])],
  ['dropPath (fixed mask)', () => gradcheck(([x]) => q.dropPath(x, 0.5, true, new q.Generator(3)), [r(6, 2, 3)])],
  ['roll', () => gradcheck(([x]) => q.roll(x, [1, -2], [1, 2]), [r(2, 3, 4, 2)])],
  ['pad', () => gradcheck(([x]) => q.pad(x, [[0, 0], [1, 2], [2, 0], [0, 0]]), [r(1, 2, 3, 2)])],
  ['gather', () => gradcheck(([x]) => q.gather(x, [2, 0, 2, 1], 1), [r(2, 3, 2)])],
  ['conv2d stride 2 pad 1', () => gradcheck(([x, w, b]) => q.conv2d(x, w, b, { stride: 2, padding: 1 }), [r(2, 5, 5, 3), r(4, 3, 3, 3), r(4)])],
  ['conv2d patchify', () => gradcheck(([x, w, b]) => q.conv2d(x, w, b, { stride: 2 }), [r(1, 4, 6, 2), r(3, 2, 2, 2), r(3)])],
  ['quadConv2d', () => gradcheck(([x, wa, ba, wb, bb, wc, bc]) => q.quadConv2d(x, { wa, ba, wb, bb, wc, bc }, 3), [r(1, 4, 3, 2), r(3, 3, 2), r(2), r(3, 3, 2), r(2), r(3, 3, 2), r(2)])],
  ['quadConv2d saveAB', () => gradcheck(([x, wa, wb, wc]) => q.quadConv2d(x, { wa, wb, wc }, 3, { saveAB: true }), [r(1, 3, 3, 2), r(3, 3, 2), r(3, 3, 2), r(3, 3, 2)])],
  ['dwConv2d', () => gradcheck(([x, w, b]) => q.dwConv2d(x, w, b, 3), [r(2, 3, 4, 3), r(3, 3, 3), r(3)])],
];

describe(`float64 finite-difference gradient checks (seed ${SEED})`, () => {
  it.each(cases)('%s', (_name, run) => {
    expect(run()).toBeLessThan(TOL);
  });
});
