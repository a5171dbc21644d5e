/** Reference optimizer steps, in place, with PyTorch's formulas (torch.optim.AdamW and SGD). */
import type { KernelSignatures } from '../kernel-table.js';
import type { FloatArray } from '../types.js';

export interface AdamWRefOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** The step being taken, >= 1. */
  step: number;
}

/**
 * p *= 1 - lr wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 */
export function adamwStepRef(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, o: AdamWRefOptions): void {
  const bc1 = 1 - o.beta1 ** o.step;
  const bc2Sqrt = Math.sqrt(1 - o.beta2 ** o.step);
  const stepSize = o.lr / bc1;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
    const p = param[i] * (1 - o.lr * o.weightDecay);
    param[i] = p - (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + o.eps);
  }
}

export interface SgdRefOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** The momentum buffer has no history yet: it is set to the (decayed) gradient. */
  firstStep: boolean;
}

/**
 * g += wd p; buf = firstStep ? g : momentum buf + (1 - dampening) g; g = nesterov ? g + momentum buf : buf;
 * p -= lr g. Without momentum the buffer is not used.
 */
export function sgdStepRef(param: FloatArray, grad: FloatArray, buf: FloatArray | undefined, o: SgdRefOptions): void {
  for (let i = 0; i < param.length; i++) {
    let g = grad[i] + o.weightDecay * param[i];
    if (o.momentum !== 0 && buf) {
      const b = o.firstStep ? g : o.momentum * buf[i] + (1 - o.dampening) * g;
      buf[i] = b;
      g = o.nesterov ? g + o.momentum * b : b;
    }
    param[i] -= o.lr * g;
  }
}

export const optimKernels: Pick<KernelSignatures<FloatArray>, 'AdamW' | 'Sgd'> = {
  AdamW: adamwStepRef,
  Sgd(p, g, buf, h) {
    sgdStepRef(p, g, buf ?? undefined, { ...h, firstStep: h.step <= 1 });
  },
};
