/** Parameter: a trainable tensor that outlives scopes. */
import { keep } from '../scope.js';
import { Tensor } from '../tensor.js';

export class Parameter extends Tensor {
  /** Takes over `t` (its handle is disposed; the parameter owns the storage from now on). */
  constructor(t: Tensor) {
    super(t.storage.retain(), t.shape, t.offset);
    t.dispose();
    keep(this);
    this.requiresGrad = true;
  }
}
