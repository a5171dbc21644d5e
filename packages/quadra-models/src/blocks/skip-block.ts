/** Identity placeholder block (no parameters): the "skip" candidate of a searchable layer. */
import { nn, reshape, type Tensor } from '@quadranet/core';

export class SkipBlock extends nn.Module {
  /** Options are accepted and ignored so a model can construct any block the same way. */
  constructor(readonly dim: number, _opts: object = {}) {
    super();
  }

  /**
   * A new handle on x's storage (no copy), so a caller that disposes the block's input after the
   * call (as the blocks' callers do) keeps a valid output.
   */
  forward(x: Tensor): Tensor {
    return reshape(x, x.shape);
  }
}
