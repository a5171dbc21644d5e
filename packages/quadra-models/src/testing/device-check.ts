/**
 * The one-training-step case that checks a device against cpu (models' device test and the GPU
 * script's conformance run): a tiny QuadraNet with drop path, a seeded batch, and the step options
 * for @quadranet/core/testing's trainStepOn.
 */
import { Generator } from '@quadranet/core';
import { QuadraNet } from '../model/quadranet.js';

export function deviceCheckCase() {
  const make = () => new QuadraNet({ depths: [1, 1], dims: [8, 16], numClasses: 5, inChannels: 3, stem: { kernel: 2, stride: 2, padding: 0 }, dropPathRate: 0.2 });
  const g = new Generator(7);
  const x = new Float32Array(4 * 16 * 16 * 3);
  for (let i = 0; i < x.length; i++) x[i] = g.normal();
  return { make, batch: { x, shape: [4, 16, 16, 3], labels: [0, 3, 1, 4] }, opts: { lr: 1e-2, seed: 3 } };
}
