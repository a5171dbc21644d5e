/**
 * Weights that make an engine comparison mean something. A fresh zoo model has layer scales of
 * 1e-6, zero biases and unit LayerNorms, so every block adds almost nothing to its input and a
 * wrong block in a peer would still give equal logits. This gives every layer scale 0.5 and every
 * bias and LayerNorm affine a seeded spread; the work each engine does is unchanged.
 */
import type { nn } from '@quadranet/core';

/** Seeded uniform values in [-1, 1) (a 32-bit LCG: reproducible, not for statistics). */
export function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

export function exerciseWeights(model: nn.Module, seed = 1): void {
  const r = uniform(seed);
  for (const [name, p] of model.namedParameters()) {
    const d = p.data();
    const leaf = name.slice(name.lastIndexOf('.') + 1);
    if (leaf.startsWith('gamma')) d.fill(0.5);
    else if (p.shape.length === 1 && leaf === 'weight') for (let i = 0; i < d.length; i++) d[i] = 1 + 0.2 * r(); // LayerNorm scale
    else if (leaf === 'bias') for (let i = 0; i < d.length; i++) d[i] = 0.05 * r();
  }
}
