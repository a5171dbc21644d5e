/** Layer scale γ (init 1e-6) applied with the residual and per-sample drop path in one step. */
import { dropPathScale, full, nn, scaleAdd, type Tensor } from '@quadranet/core';
import { inferencePath, Mlp, mlpResidual } from './mlp.js';

export function layerScale(dim: number, init = 1e-6): nn.Parameter {
  return new nn.Parameter(full([dim], init));
}

/**
 * x + dropPath(γ ⊙ branch) in one pass: drop path's per-sample factors are folded into the scaled
 * residual (the same draws and the same result as a separate dropPath). The branch handle is released.
 */
export function residual(x: Tensor, branch: Tensor, gamma: Tensor, drop: number, training: boolean): Tensor {
  const mask = training && drop > 0 ? dropPathScale(branch.shape[0], drop, branch.device, undefined, branch.dtype) : undefined;
  const y = scaleAdd(x, branch, gamma, mask);
  mask?.dispose();
  branch.dispose();
  return y;
}

/**
 * The two residual branches every MetaFormer-style block here shares:
 * x = x + dropPath(γ1 ⊙ mixer(norm1(x))); x = x + dropPath(γ2 ⊙ mlp(norm2(x))).
 * In inference (eval, no gradients) the MLP branch is mlpResidual's two fused GEMMs.
 */
export function mixerThenMlp(
  owner: nn.Module, x: Tensor, norm1: nn.Module, mixer: nn.Module, gamma1: Tensor, norm2: nn.Module, mlp: Mlp, gamma2: Tensor, drop: number, training: boolean,
): Tensor {
  const h = norm1.forward(x);
  const x1 = residual(x, mixer.forward(h), gamma1, drop, training);
  h.dispose();
  const h2 = norm2.forward(x1);
  const x2 = inferencePath(training) ? mlpResidual(owner, mlp, h2, x1, gamma2) : residual(x1, mlp.forward(h2), gamma2, drop, training);
  h2.dispose();
  x1.dispose();
  return x2;
}
