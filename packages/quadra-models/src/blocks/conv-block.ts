/** ConvNeXt block, NHWC: x + drop_path(γ ⊙ Linear(rC→C)(GELU(Linear(C→rC)(LN(DW_k(x)))))). */
import { checkOptionKeys, nn, type Tensor } from '@quadranet/core';
import { layerScale, residual } from './layer-scale.js';
import { inferencePath, Mlp, mlpResidual } from './mlp.js';
import { BLOCK_OPTION_KEYS, type BlockOptions } from './quadra-block.js';

export class ConvBlock extends nn.Module {
  dwconv: nn.DepthwiseConv2d;
  norm: nn.LayerNorm;
  mlp: Mlp;
  gamma: nn.Parameter;
  readonly drop: number;

  constructor(readonly dim: number, opts: BlockOptions = {}) {
    super();
    checkOptionKeys('ConvBlock', opts, BLOCK_OPTION_KEYS);
    this.dwconv = new nn.DepthwiseConv2d(dim, opts.kernelSize ?? 7);
    this.norm = new nn.LayerNorm(dim, 1e-6);
    this.mlp = new Mlp(dim, opts.expansion ?? 4);
    this.gamma = layerScale(dim, opts.layerScaleInit);
    this.drop = opts.dropPath ?? 0;
  }

  override namedChildren(): [string, nn.Module][] {
    return [['dwconv', this.dwconv], ['norm', this.norm], ['pwconv1', this.mlp.pwconv1], ['pwconv2', this.mlp.pwconv2]];
  }

  override extraRepr(): string {
    return `dim=${this.dim}, k=${this.dwconv.kernelSize}${this.drop ? `, drop_path=${+this.drop.toFixed(4)}` : ''}`;
  }

  forward(x: Tensor): Tensor {
    nn.checkNhwc(x, this.dim);
    const d = this.dwconv.forward(x);
    const h = this.norm.forward(d);
    d.dispose();
    const y = inferencePath(this.training) ? mlpResidual(this, this.mlp, h, x, this.gamma) : residual(x, this.mlp.forward(h), this.gamma, this.drop, this.training);
    h.dispose();
    return y;
  }
}
