/** Layer scale γ (init 1e-6) applied with the residual and per-sample drop path in one step. */
import { dropPath, full, nn, scaleAdd, type Tensor } from '@quadranet/core';

export function layerScale(dim: number, init = 1e-6): nn.Parameter {
  return new nn.Parameter(full([dim], init));
}

/** x + dropPath(γ ⊙ branch); the branch handle is released. */
export function residual(x: Tensor, branch: Tensor, gamma: Tensor, drop: number, training: boolean): Tensor {
  const b = dropPath(branch, drop, training);
  const y = scaleAdd(x, b, gamma);
  if (b !== branch) b.dispose();
  branch.dispose();
  return y;
}
