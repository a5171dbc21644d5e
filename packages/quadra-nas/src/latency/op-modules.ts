/**
 * Each op of a latency table as the module QuadraNet runs for it: the stem (conv + LayerNorm), a
 * downsample (LayerNorm + 2×2/2 conv), a QuadraBlock candidate, the head (global mean, LayerNorm,
 * Linear). Skip is an identity: no kernel runs, so it has no module.
 */
import { ArgumentError, globalAvgPool, nn, type Tensor } from '@quadranet/core';
import { QuadraBlock } from '@quadranet/models';
import type { OpSpec } from '../space/layout.js';

/** What QuadraNet runs after its last stage: mean over H, W → LayerNorm → Linear. */
export class HeadOp extends nn.Module {
  norm: nn.LayerNorm;
  head: nn.Linear;
  constructor(dim: number, classes: number) {
    super();
    this.norm = new nn.LayerNorm(dim, 1e-6);
    this.head = new nn.Linear(dim, classes);
  }

  forward(x: Tensor): Tensor {
    const f = globalAvgPool(x);
    const n = this.norm.forward(f);
    f.dispose();
    const y = this.head.forward(n);
    n.dispose();
    return y;
  }
}

/** The module of an op (in eval mode). Skip has none: an ArgumentError. */
export function opModule(op: OpSpec): nn.Module {
  switch (op.kind) {
    case 'stem':
      return new nn.Sequential(new nn.Conv2d(op.cin, op.cout, op.k, { stride: op.stride, padding: op.padding }), new nn.LayerNorm(op.cout, 1e-6)).eval();
    case 'downsample':
      return new nn.Sequential(new nn.LayerNorm(op.cin, 1e-6), new nn.Conv2d(op.cin, op.cout, op.k, { stride: op.stride })).eval();
    case 'block':
      return new QuadraBlock(op.cin, { kernelSize: op.k, expansion: op.expansion }).eval();
    case 'head':
      return new HeadOp(op.cin, op.cout).eval();
    default:
      throw new ArgumentError(`opModule: op kind '${op.kind}' runs no kernel (identity)`);
  }
}
