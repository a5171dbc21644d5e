/**
 * HorNet block (gⁿConv order n), NHWC:
 *   x = x + drop_path(γ1 ⊙ gⁿConv(LN(x)))
 *   x = x + drop_path(γ2 ⊙ Linear(rC→C)(GELU(Linear(C→rC)(LN(x)))))
 * Names as the HorNet state dict: norm1, gnconv.{proj_in,dwconv,pws.i,proj_out}, norm2, pwconv1, pwconv2, gamma1, gamma2.
 */
import { checkOptionKeys, nn, optionKeys, type Tensor } from '@quadranet/core';
import { GnConv } from './gnconv.js';
import { layerScale, mixerThenMlp } from './layer-scale.js';
import { Mlp } from './mlp.js';

export interface HorBlockOptions {
  /** gⁿConv order n (HorNet uses 2, 3, 4, 5 by stage); C must be divisible by 2^(n−1). Default 5. */
  order?: number;
  /** Depthwise kernel inside gⁿConv (default 7). */
  kernelSize?: number;
  /** MLP hidden ratio (default 4). */
  expansion?: number;
  dropPath?: number;
  layerScaleInit?: number;
}

const KEYS = optionKeys<HorBlockOptions>()('order', 'kernelSize', 'expansion', 'dropPath', 'layerScaleInit');

export class HorBlock extends nn.Module {
  norm1: nn.LayerNorm;
  gnconv: GnConv;
  norm2: nn.LayerNorm;
  mlp: Mlp;
  gamma1: nn.Parameter;
  gamma2: nn.Parameter;
  readonly drop: number;

  constructor(readonly dim: number, opts: HorBlockOptions = {}) {
    super();
    checkOptionKeys('HorBlock', opts, KEYS);
    this.norm1 = new nn.LayerNorm(dim, 1e-6);
    this.gnconv = new GnConv(dim, opts.order ?? 5, { kernelSize: opts.kernelSize ?? 7 });
    this.norm2 = new nn.LayerNorm(dim, 1e-6);
    this.mlp = new Mlp(dim, opts.expansion ?? 4);
    this.gamma1 = layerScale(dim, opts.layerScaleInit);
    this.gamma2 = layerScale(dim, opts.layerScaleInit);
    this.drop = opts.dropPath ?? 0;
  }

  get order(): number {
    return this.gnconv.order;
  }

  /** pwconv1/pwconv2 sit directly on the block in the reference state dict. */
  override namedChildren(): [string, nn.Module][] {
    return [['norm1', this.norm1], ['gnconv', this.gnconv], ['norm2', this.norm2], ['pwconv1', this.mlp.pwconv1], ['pwconv2', this.mlp.pwconv2]];
  }

  override extraRepr(): string {
    return `dim=${this.dim}, order=${this.order}${this.drop ? `, drop_path=${+this.drop.toFixed(4)}` : ''}`;
  }

  forward(x: Tensor): Tensor {
    nn.checkNhwc(x, this.dim);
    return mixerThenMlp(this, x, this.norm1, this.gnconv, this.gamma1, this.norm2, this.mlp, this.gamma2, this.drop, this.training);
  }
}
