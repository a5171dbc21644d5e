/**
 * QuadraBlock (reference `QuadraBlock1_dw`), NHWC:
 *   x = x + drop_path(γ1 ⊙ QuadConv_k(LN(x)))
 *   x = x + drop_path(γ2 ⊙ Linear(rC→C)(GELU(Linear(C→rC)(LN(x)))))
 * Field names follow the PyTorch state dict: norm1, QuadraConv.conv1|2|3, norm2, pwconv1, pwconv2, gamma1, gamma2.
 */
import { checkOptionKeys, nn, optionKeys, type Tensor } from '@quadranet/core';
import { layerScale, mixerThenMlp } from './layer-scale.js';
import { Mlp } from './mlp.js';

export interface BlockOptions {
  kernelSize?: number;
  expansion?: number;
  dropPath?: number;
  layerScaleInit?: number;
}

/** The keys BlockOptions accepts (an unknown one is an ArgumentError naming it). */
export const BLOCK_OPTION_KEYS = optionKeys<BlockOptions>()('kernelSize', 'expansion', 'dropPath', 'layerScaleInit');

export class QuadraBlock extends nn.Module {
  norm1: nn.LayerNorm;
  QuadraConv: nn.QuadraConv2d;
  norm2: nn.LayerNorm;
  mlp: Mlp;
  gamma1: nn.Parameter;
  gamma2: nn.Parameter;
  readonly drop: number;

  constructor(readonly dim: number, opts: BlockOptions = {}) {
    super();
    checkOptionKeys('QuadraBlock', opts, BLOCK_OPTION_KEYS);
    this.norm1 = new nn.LayerNorm(dim, 1e-6);
    this.QuadraConv = new nn.QuadraConv2d(dim, opts.kernelSize ?? 7);
    this.norm2 = new nn.LayerNorm(dim, 1e-6);
    this.mlp = new Mlp(dim, opts.expansion ?? 4);
    this.gamma1 = layerScale(dim, opts.layerScaleInit);
    this.gamma2 = layerScale(dim, opts.layerScaleInit);
    this.drop = opts.dropPath ?? 0;
  }

  /** pwconv1/pwconv2 sit directly on the block in the reference state dict. */
  override namedChildren(): [string, nn.Module][] {
    return [['norm1', this.norm1], ['QuadraConv', this.QuadraConv], ['norm2', this.norm2], ['pwconv1', this.mlp.pwconv1], ['pwconv2', this.mlp.pwconv2]];
  }

  override extraRepr(): string {
    return `dim=${this.dim}, k=${this.QuadraConv.kernelSize}${this.drop ? `, drop_path=${+this.drop.toFixed(4)}` : ''}`;
  }

  forward(x: Tensor): Tensor {
    nn.checkNhwc(x, this.dim);
    return mixerThenMlp(this, x, this.norm1, this.QuadraConv, this.gamma1, this.norm2, this.mlp, this.gamma2, this.drop, this.training);
  }
}
