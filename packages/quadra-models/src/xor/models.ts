/**
 * The three XOR classifiers of the paper's Figure 2, each giving one logit z per point
 * (class 1 where z > 0), and their training with a logistic loss.
 */
import { crossEntropy, Generator, linear, noGrad, optim, scope, tensor, type Tensor, nn } from '@quadranet/core';
import type { XorData } from './data.js';

export type XorModelKey = 'quadratic' | 'perceptron' | 'mlp';

export interface XorModelSpec {
  key: XorModelKey;
  name: string;
  make: () => nn.Module;
}

/** Hidden units of the MLP baseline (the paper compares with a 10-unit two-layer perceptron). */
export const MLP_HIDDEN = 10;

/** In the order they are trained and drawn. */
export const XOR_MODELS: readonly XorModelSpec[] = [
  // y = (wa·x + ba)(wb·x + bb) + wc·x + bc; parameters a.*, b.*, c.* are wa/ba, wb/bb, wc/bc
  { key: 'quadratic', name: 'Quadratic neuron', make: () => new nn.QuadraLinear(2, 1) },
  { key: 'perceptron', name: 'Perceptron', make: () => new nn.Linear(2, 1) },
  { key: 'mlp', name: `MLP (${MLP_HIDDEN} hidden, GELU)`, make: () => new nn.Sequential(new nn.Linear(2, MLP_HIDDEN), new nn.GELU(), new nn.Linear(MLP_HIDDEN, 1)) },
];

/**
 * Weights N(0, std²) from `gen`, biases zero. Small weights put the quadratic neuron near its
 * saddle at zero, which Adam's normalised steps leave within a few steps (every seed tried
 * converges), while keeping the MLP's GELUs out of saturation.
 */
export function initXorModel(m: nn.Module, gen: Generator, std: number): void {
  for (const [name, p] of m.namedParameters()) {
    const d = p.data();
    const isBias = name === 'bias' || name.endsWith('.bias');
    for (let i = 0; i < d.length; i++) d[i] = isBias ? 0 : std * gen.normal();
  }
}

/**
 * Maps one logit z to the two-class logits (−z/2, z/2): softmax of these is (1 − σ(z), σ(z)), so
 * the fused 2-class cross-entropy equals the logistic (BCE) loss on z.
 */
function twoClassLogits(z: Tensor, toPair: Tensor): Tensor {
  return linear(z, toPair);
}

export interface TrainOptions {
  steps: number;
  lr: number;
}

/** AdamW (no weight decay), full batch; returns the loss after the last step's update. */
export function trainXorModel(m: nn.Module, data: XorData, opts: TrainOptions): number {
  const x = tensor(data.x, [data.n, 2]);
  const toPair = tensor([[-0.5], [0.5]]);
  const opt = new optim.AdamW(m.parameters(), { lr: opts.lr, weightDecay: 0 });
  try {
    for (let s = 0; s < opts.steps; s++) {
      scope(() => crossEntropy(twoClassLogits(m.forward(x), toPair), data.y).backward());
      opt.step();
      opt.zeroGrad();
    }
    return noGrad(() => scope(() => crossEntropy(twoClassLogits(m.forward(x), toPair), data.y).item()));
  } finally {
    opt.dispose();
    x.dispose();
    toPair.dispose();
  }
}

/** Logits z for row-major [n, 2] points, without a tape. */
export function xorLogits(m: nn.Module, points: Float32Array): Float32Array {
  const n = points.length / 2;
  return noGrad(() =>
    scope(() => {
      const x = tensor(points, [n, 2]);
      return Float32Array.from(m.forward(x).data());
    }),
  );
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
