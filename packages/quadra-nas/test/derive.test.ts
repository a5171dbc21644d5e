// Reading a network from α: 'argmax' (the most probable candidate) and 'grouped' (skip only when
// its probability is at least all blocks' together, else the most probable block).
import { describe, expect, it } from 'vitest';

import { deriveChoices, FASHION_MNIST_SPACE, spaceLayout } from '../src/index.js';

describe('deriveChoices', () => {
  const layout = spaceLayout(FASHION_MNIST_SPACE);
  const ids = layout.layers[0].candidates.map((c) => c.id); // k3e2 k3e4 k5e2 k5e4 k7e2 k7e4 skip
  const layer = (p: number[]) => Float64Array.from(p);
  // A flat distribution where skip is the single most probable candidate but the blocks win together.
  const flat = layer([0.1, 0.1, 0.12, 0.11, 0.1, 0.12, 0.35]);
  const skipHeavy = layer([0.05, 0.05, 0.05, 0.05, 0.05, 0.2, 0.55]);
  const blockHeavy = layer([0.02, 0.02, 0.6, 0.02, 0.02, 0.02, 0.3]);
  const probs = [flat, skipHeavy, blockHeavy, flat, skipHeavy, blockHeavy];

  it('argmax takes the most probable candidate, skip included', () => {
    expect(ids).toEqual(['k3e2', 'k3e4', 'k5e2', 'k5e4', 'k7e2', 'k7e4', 'skip']);
    expect(deriveChoices(layout, probs, 'argmax')).toEqual(['skip', 'skip', 'k5e2', 'skip', 'skip', 'k5e2']);
  });

  it('grouped keeps a block where the blocks together outweigh skip, and takes the first of equal blocks', () => {
    expect(deriveChoices(layout, probs, 'grouped')).toEqual(['k5e2', 'skip', 'k5e2', 'k5e2', 'skip', 'k5e2']);
    const tie = layer([0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2]);
    expect(deriveChoices(layout, [tie, tie, tie, tie, tie, tie], 'grouped')[0]).toBe('k3e2');
  });
});
