/** AdamW with decoupled weight decay and bias correction; one fused native update per parameter. */
import { ArgumentError, checkOptionKeys, optionKeys } from '../errors.js';
import type { Parameter } from '../nn/parameter.js';
import type { Tensor } from '../tensor.js';
import { kernels, Optimizer, type ParamGroup } from './optimizer.js';

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** Skip weight decay for 1-D parameters (biases, norms, layer scales). */
  noDecay1d?: boolean;
}

const KEYS = optionKeys<AdamWOptions>()('lr', 'betas', 'eps', 'weightDecay', 'noDecay1d');

/**
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05, noDecay1d: true });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class AdamW extends Optimizer {
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly noDecay1d: boolean;

  constructor(params: Iterable<Parameter | ParamGroup>, opts: AdamWOptions = {}) {
    checkOptionKeys('AdamW', opts, KEYS);
    super(params, opts.lr ?? 1e-3);
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    this.noDecay1d = opts.noDecay1d ?? false;
    const [b1, b2] = this.betas;
    if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new ArgumentError(`AdamW: betas must be in [0, 1), got [${b1}, ${b2}]`);
    if (!(this.eps > 0)) throw new ArgumentError(`AdamW: eps must be > 0, got ${this.eps}`);
    if (!(this.weightDecay >= 0)) throw new ArgumentError(`AdamW: weightDecay must be >= 0, got ${this.weightDecay}`);
  }

  protected update(p: Parameter, g: Tensor): void {
    const wd = this.noDecay1d && p.ndim <= 1 ? 0 : this.weightDecay;
    kernels(p).AdamW(p.buf(), g.buf(), this.buffer(p, 'm').buf(), this.buffer(p, 'v').buf(), {
      lr: this.lrFor(p), beta1: this.betas[0], beta2: this.betas[1], eps: this.eps, weightDecay: wd, step: this.stepCount,
    });
  }
}
