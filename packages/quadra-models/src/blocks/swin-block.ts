/**
 * Swin Transformer block, NHWC (no layer scale):
 *   x = x + drop_path(W-MSA(LN(x)))   (shifted windows with the −100 region mask when `shift`)
 *   x = x + drop_path(Linear(rC→C)(GELU(Linear(C→rC)(LN(x)))))
 * LN(x) is zero-padded up to multiples of the window, cyclically shifted by −⌊M/2⌋, attended per
 * window, then shifted back and cropped. If min(H, W) <= M the window becomes min(H, W) and no
 * shift is used (Swin's rule); the bias table stays [(2M−1)², heads] and the smaller window reads
 * its central entries. Names as Swin: norm1, attn.{qkv,proj,relative_position_bias_table}, norm2, mlp.fc1, mlp.fc2.
 */
import { add, ArgumentError, checkOptionKeys, dropPath, moveTo, nn, pad, roll, slice, zeros, type Tensor } from '@quadranet/core';
import { inferencePath, Mlp, mlpResidual } from './mlp.js';
import { shiftMask, WindowAttention, windowPartition, windowReverse } from './window-attention.js';

export interface SwinBlockOptions {
  /** Window size M (default 7). */
  windowSize?: number;
  /** Channels per head (default 32): heads = max(1, ⌊C / headDim⌋). */
  headDim?: number;
  /** Shifted windows (Swin's odd blocks), shift ⌊M/2⌋. */
  shift?: boolean;
  /** MLP hidden ratio (default 4). */
  mlpRatio?: number;
  dropPath?: number;
}

/** x + dropPath(branch); the branch handle is released. */
function addResidual(x: Tensor, branch: Tensor, drop: number, training: boolean): Tensor {
  const b = dropPath(branch, drop, training);
  const y = add(x, b);
  if (b !== branch) b.dispose();
  branch.dispose();
  return y;
}

export class SwinBlock extends nn.Module {
  norm1: nn.LayerNorm;
  attn: WindowAttention;
  norm2: nn.LayerNorm;
  mlp: Mlp;
  readonly windowSize: number;
  readonly shiftSize: number;
  readonly drop: number;

  constructor(readonly dim: number, opts: SwinBlockOptions = {}) {
    super();
    checkOptionKeys('SwinBlock', opts, ['windowSize', 'headDim', 'shift', 'mlpRatio', 'dropPath']);
    this.windowSize = opts.windowSize ?? 7;
    const headDim = opts.headDim ?? 32;
    if (!Number.isInteger(headDim) || headDim < 1) throw new ArgumentError(`SwinBlock: headDim must be a positive integer, got ${headDim}`);
    this.norm1 = new nn.LayerNorm(dim, 1e-5);
    this.attn = new WindowAttention(dim, { windowSize: this.windowSize, heads: Math.max(1, Math.floor(dim / headDim)) });
    this.norm2 = new nn.LayerNorm(dim, 1e-5);
    this.mlp = new Mlp(dim, opts.mlpRatio ?? 4);
    this.shiftSize = opts.shift ? Math.floor(this.windowSize / 2) : 0;
    this.drop = opts.dropPath ?? 0;
  }

  get heads(): number {
    return this.attn.heads;
  }

  /** Swin calls the MLP layers fc1/fc2. */
  override namedChildren(): [string, nn.Module][] {
    return [['norm1', this.norm1], ['attn', this.attn], ['norm2', this.norm2], ['mlp.fc1', this.mlp.pwconv1], ['mlp.fc2', this.mlp.pwconv2]];
  }

  /** The window and shift used for an H×W map. */
  windowFor(h: number, w: number): { window: number; shift: number } {
    const small = Math.min(h, w) <= this.windowSize;
    return { window: small ? Math.min(h, w) : this.windowSize, shift: small ? 0 : this.shiftSize };
  }

  override extraRepr(): string {
    return `dim=${this.dim}, window=${this.windowSize}, heads=${this.heads}, shift=${this.shiftSize}${this.drop ? `, drop_path=${+this.drop.toFixed(4)}` : ''}`;
  }

  forward(x: Tensor): Tensor {
    nn.checkNhwc(x, this.dim);
    const x1 = addResidual(x, this.attention(x), this.drop, this.training);
    const h2 = this.norm2.forward(x1);
    const x2 = inferencePath(this.training) ? mlpResidual(this, this.mlp, h2, x1, null) : addResidual(x1, this.mlp.forward(h2), this.drop, this.training);
    h2.dispose();
    x1.dispose();
    return x2;
  }

  /** W-MSA(LN(x)) with padding, cyclic shift and mask; [N, H, W, C]. */
  private attention(x: Tensor): Tensor {
    const [n, H, W] = x.shape;
    const { window: m, shift: s } = this.windowFor(H, W);
    const hp = Math.ceil(H / m) * m;
    const wp = Math.ceil(W / m) * m;
    const padded = hp !== H || wp !== W;
    const h = this.norm1.forward(x);
    let cur = h;
    const step = (next: Tensor) => {
      cur.dispose();
      cur = next;
    };
    if (padded) step(pad(cur, [[0, 0], [0, hp - H], [0, wp - W], [0, 0]]));
    if (s > 0) step(roll(cur, [-s, -s], [1, 2]));
    step(windowPartition(cur, m));
    const mask = s > 0 ? maskTensor(shiftMask(hp, wp, m, s), [(hp / m) * (wp / m), m * m, m * m], x) : undefined;
    step(this.attn.forward(cur, mask));
    mask?.dispose();
    step(windowReverse(cur, n, hp, wp, m));
    if (s > 0) step(roll(cur, [s, s], [1, 2]));
    if (padded) {
      step(slice(cur, 1, 0, H));
      step(slice(cur, 2, 0, W));
    }
    return cur;
  }
}

function maskTensor(data: Float64Array, shape: number[], like: Tensor): Tensor {
  // zeros() gives the aligned buffer the SIMD kernels expect; a cuda tensor gets an upload
  const t = zeros(shape, { dtype: like.dtype, device: 'cpu' });
  t.data().set(data);
  return moveTo(t, like.device);
}
