import { runKernel } from './call-native.js';
import { ArgumentError } from './errors.js';
import { type AdamWRefOptions, type SgdRefOptions } from './reference/optim.js';
import { checkBool, checkDim, checkDisjoint, checkF32, checkF32Any, checkNumber } from './validate.js';
import { checkOptions, optionKeys } from './options.js';

const ADAMW_KEYS = optionKeys<AdamWOptions>()('lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'step');
const SGD_KEYS = optionKeys<SgdOptions>()('lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'firstStep');

/** Hyper-parameters of one AdamW step; defaults are torch.optim.AdamW's. */
export interface AdamWOptions {
  lr: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay. Default 0.01. */
  weightDecay?: number;
  /** The step being taken (1 for the first), for bias correction. */
  step: number;
}

/** Hyper-parameters of one SGD step; defaults are torch.optim.SGD's. */
export interface SgdOptions {
  lr: number;
  /** Default 0 (no momentum buffer needed). */
  momentum?: number;
  /** Default 0. */
  dampening?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
  /** Default false; needs momentum > 0 and dampening 0. */
  nesterov?: boolean;
  /**
   * The momentum buffer holds no history yet (PyTorch's first step, when the buffer is None): it
   * is set to the gradient instead of being decayed. Default false.
   */
  firstStep?: boolean;
}

/**
 * One fused, in-place AdamW step with PyTorch's formula: p *= 1 - lr wd; m = b1 m + (1-b1) g;
 * v = b2 v + (1-b2) g^2; p -= lr/(1-b1^t) m / (sqrt(v)/sqrt(1-b2^t) + eps). param, grad, m and v
 * must be the same length and must not share memory.
 *
 * @example
 * adamwStep(w, w.grad, m, v, { lr: 1e-3, weightDecay: 0.05, step: t });
 */
export function adamwStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, options: AdamWOptions): void {
  checkF32Any('param', param);
  checkF32('grad', grad, param.length);
  checkF32('m', m, param.length);
  checkF32('v', v, param.length);
  const o = checkOptions<AdamWOptions>('adamwStep', 'options', options, ADAMW_KEYS);
  const hp: AdamWRefOptions = {
    lr: checkNumber('options.lr', o.lr),
    beta1: o.beta1 === undefined ? 0.9 : checkNumber('options.beta1', o.beta1),
    beta2: o.beta2 === undefined ? 0.999 : checkNumber('options.beta2', o.beta2),
    eps: o.eps === undefined ? 1e-8 : checkNumber('options.eps', o.eps),
    weightDecay: o.weightDecay === undefined ? 0.01 : checkNumber('options.weightDecay', o.weightDecay),
    step: checkDim('options.step', o.step),
  };
  if (!(hp.beta1 >= 0 && hp.beta1 < 1)) throw new ArgumentError(`options.beta1: expected a number in [0, 1), got ${hp.beta1}`);
  if (!(hp.beta2 >= 0 && hp.beta2 < 1)) throw new ArgumentError(`options.beta2: expected a number in [0, 1), got ${hp.beta2}`);
  if (hp.eps < 0) throw new ArgumentError(`options.eps: expected a number >= 0, got ${hp.eps}`);
  checkDisjoint({ param, grad, m, v });
  runKernel((k) => k.AdamW(param, grad, m, v, hp));
}

/**
 * One fused, in-place SGD step with torch.optim.SGD's semantics (momentum, dampening, Nesterov,
 * L2 weight decay). momentumBuf is required when momentum != 0.
 *
 * @example
 * sgdStep(w, w.grad, buf, { lr: 0.1, momentum: 0.9, firstStep: t === 1 });
 */
export function sgdStep(param: Float32Array, grad: Float32Array, momentumBuf: Float32Array | undefined, options: SgdOptions): void {
  checkF32Any('param', param);
  checkF32('grad', grad, param.length);
  const o = checkOptions<SgdOptions>('sgdStep', 'options', options, SGD_KEYS);
  const hp: SgdRefOptions = {
    lr: checkNumber('options.lr', o.lr),
    momentum: o.momentum === undefined ? 0 : checkNumber('options.momentum', o.momentum),
    dampening: o.dampening === undefined ? 0 : checkNumber('options.dampening', o.dampening),
    weightDecay: o.weightDecay === undefined ? 0 : checkNumber('options.weightDecay', o.weightDecay),
    nesterov: checkBool('options.nesterov', o.nesterov),
    firstStep: checkBool('options.firstStep', o.firstStep),
  };
  if (momentumBuf !== undefined) checkF32('momentumBuf', momentumBuf, param.length);
  if (hp.momentum !== 0 && momentumBuf === undefined) {
    throw new ArgumentError('momentumBuf: required when options.momentum != 0');
  }
  if (hp.nesterov && !(hp.momentum > 0 && hp.dampening === 0)) {
    throw new ArgumentError('options.nesterov: needs momentum > 0 and dampening = 0');
  }
  checkDisjoint({ param, grad, momentumBuf });
  runKernel((k) => k.Sgd(param, grad, momentumBuf ?? null, { ...hp, step: hp.firstStep ? 1 : 2 }));
}
