/** SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD semantics). */
import { ArgumentError, checkOptionKeys, optionKeys } from '../errors.js';
import type { Parameter } from '../nn/parameter.js';
import type { Tensor } from '../tensor.js';
import { kernels, Optimizer, type ParamGroup } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

const KEYS = optionKeys<SGDOptions>()('lr', 'momentum', 'dampening', 'weightDecay', 'nesterov');

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: Iterable<Parameter | ParamGroup>, opts: SGDOptions) {
    checkOptionKeys('SGD', opts, KEYS);
    super(params, opts.lr);
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ArgumentError('SGD: nesterov needs momentum > 0 and dampening 0');
    }
  }

  protected update(p: Parameter, g: Tensor): void {
    const first = !this.hasBuffer(p, 'momentum');
    const buf = this.momentum > 0 ? this.buffer(p, 'momentum').buf() : null;
    kernels(p).Sgd(p.buf(), g.buf(), buf, {
      lr: this.lrFor(p), momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov, step: first ? 1 : 2,
    });
  }
}
