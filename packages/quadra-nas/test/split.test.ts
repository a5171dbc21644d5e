import { syntheticDataset } from '@quadranet/models';
import { describe, expect, it } from 'vitest';
import { balancedSplit } from '../src/index.js';

describe('α split', () => {
  it('holds out the same fraction of every class, disjoint from the weights’ images, the same for the same seed', () => {
    const set = syntheticDataset(1000, 10, 28, 1).train;
    const { weights, alpha } = balancedSplit(set, 0.2, 7);
    expect(weights.n + alpha.n).toBe(set.n);
    const count = (labels: Uint8Array) => Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
    const all = count(set.labels);
    count(alpha.labels).forEach((k, c) => expect(k).toBe(Math.round(0.2 * all[c])));
    const px = 28 * 28;
    const key = (s: typeof set, i: number) => Buffer.from(s.images.subarray(i * px, (i + 1) * px)).toString('base64');
    const held = new Set(Array.from({ length: alpha.n }, (_, i) => key(alpha, i)));
    expect(Array.from({ length: weights.n }, (_, i) => key(weights, i)).some((k) => held.has(k))).toBe(false);
    expect(balancedSplit(set, 0.2, 7).alpha.labels).toEqual(alpha.labels);
    expect(() => balancedSplit(set, 1, 7)).toThrow(/--alpha-split must be in \(0, 1\)/);
  });
});
