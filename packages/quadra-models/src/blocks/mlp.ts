/** The inverted-bottleneck MLP shared by every block: Linear(C→rC) → GELU → Linear(rC→C). */
import {
  isGradEnabled, kernelBackend, linear, linearGelu, linearPacked, mul, nn, packLinear, reshape, type PackedLinear, type Tensor,
} from '@quadranet/core';

export class Mlp extends nn.Module {
  pwconv1: nn.Linear;
  pwconv2: nn.Linear;
  constructor(dim: number, expansion = 4) {
    super();
    this.pwconv1 = new nn.Linear(dim, expansion * dim);
    this.pwconv2 = new nn.Linear(expansion * dim, dim);
  }
  forward(x: Tensor): Tensor {
    const a = linearGelu(x, this.pwconv1.weight, this.pwconv1.bias);
    const y = linear(a, this.pwconv2.weight, this.pwconv2.bias);
    a.dispose();
    return y;
  }
}

/** The MLP's weights for inference: pwconv1 packed; pwconv2 packed with the layer scale folded in. */
interface PackedMlp {
  fc1: PackedLinear;
  fc2: PackedLinear;
  /** γ ⊙ b2 (owned), or pwconv2's own bias when there is no γ (not owned). */
  b2: Tensor | null;
  dispose(): void;
}

function packMlp(mlp: Mlp, gamma: Tensor | null): PackedMlp {
  const { weight: w2, bias: b2 } = mlp.pwconv2;
  const fc1 = packLinear(mlp.pwconv1.weight);
  // γ ⊙ (a·w2ᵀ + b2) = a·(diag(γ) w2)ᵀ + γ ⊙ b2: the same up to rounding, one pass fewer.
  const g = gamma ? reshape(gamma, [gamma.size, 1]) : null;
  const w2g = g ? mul(w2, g) : w2;
  const fc2 = packLinear(w2g);
  if (w2g !== w2) w2g.dispose();
  g?.dispose();
  const b2g = gamma && b2 ? mul(b2, gamma) : null;
  return {
    fc1, fc2, b2: b2g ?? b2 ?? null,
    dispose() {
      fc1.packed.dispose();
      fc2.packed.dispose();
      b2g?.dispose();
    },
  };
}

/** Whether a block's forward may take the inference path (eval mode, gradients off). */
export function inferencePath(training: boolean): boolean {
  return !training && !isGradEnabled();
}

/** Module.cached names by kernel backend (no string built per call). */
const CACHE_NAME = { cpu: 'mlp:cpu', ref: 'mlp:ref', cuda: 'mlp:cuda' } as const;

/**
 * x + γ ⊙ mlp(h) for inference (eval, no gradients): two packed GEMMs, the first with bias and
 * GELU in its epilogue, the second with γ folded into its weights and the residual add in its
 * epilogue, so no pass over the activations remains. The packed weights are kept on `owner`
 * (Module.cached) and rebuilt when a weight changes. γ null means 1 (Swin).
 */
export function mlpResidual(owner: nn.Module, mlp: Mlp, h: Tensor, x: Tensor, gamma: Tensor | null): Tensor {
  const p1 = mlp.pwconv1, p2 = mlp.pwconv2;
  // One cache per kernel backend: a packed layout is the packing table's own (setBackend('ref')
  // between two forwards must not hand oneDNN's blocked weights to the reference kernels).
  const w = owner.cached(CACHE_NAME[kernelBackend(h)], [p1.weight, p1.bias, p2.weight, p2.bias, gamma], () => packMlp(mlp, gamma));
  const a = linearPacked(h, w.fc1, p1.bias, { act: 'gelu' });
  const y = linearPacked(a, w.fc2, w.b2, { residual: x });
  a.dispose();
  return y;
}
