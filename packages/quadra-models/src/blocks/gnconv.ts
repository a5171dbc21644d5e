/**
 * HorNet's recursive gated convolution gⁿConv (order n), NHWC:
 *   d_k = C / 2^(n−1−k), S = Σ d_k (= 2C − d_0)
 *   [p | q] = Linear(C→2C)(x) split into d_0 and S;  q ← DW7(q) · s (s = 1/3)
 *   q_0..q_{n−1} = split(q, d);  p ← p ⊙ q_0;  p ← Linear(d_k→d_{k+1})(p) ⊙ q_{k+1};  out = Linear(C→C)(p)
 * Children as the reference state dict: proj_in, dwconv, pws.{i}, proj_out.
 */
import { ArgumentError, checkOptionKeys, linear, mul, nn, split, type Tensor } from '@quadranet/core';

export interface GnConvOptions {
  /** Depthwise kernel size (HorNet: 7). */
  kernelSize?: number;
  /** Scale applied after the depthwise conv (HorNet: 1/3). */
  scale?: number;
}

/** The channel widths d_0..d_{n−1} of gⁿConv; throws an ArgumentError unless 2^(n−1) divides C. */
export function gnConvDims(dim: number, order: number): number[] {
  if (!Number.isInteger(order) || order < 1) throw new ArgumentError(`gnConv: order must be a positive integer, got ${order}`);
  const div = 2 ** (order - 1);
  if (!Number.isInteger(dim) || dim < 1 || dim % div !== 0) {
    throw new ArgumentError(`gnConv: dim must be a positive multiple of 2^(order-1) = ${div} for order ${order}, got ${dim}`);
  }
  return Array.from({ length: order }, (_, k) => dim / 2 ** (order - 1 - k));
}

export class GnConv extends nn.Module {
  proj_in: nn.Linear;
  dwconv: nn.DepthwiseConv2d;
  pws: nn.Linear[];
  proj_out: nn.Linear;
  readonly dims: readonly number[];
  readonly scale: number;

  constructor(readonly dim: number, readonly order: number, opts: GnConvOptions = {}) {
    super();
    checkOptionKeys('GnConv', opts, ['kernelSize', 'scale']);
    this.dims = gnConvDims(dim, order);
    const total = this.dims.reduce((a, b) => a + b, 0);
    this.proj_in = new nn.Linear(dim, 2 * dim);
    this.dwconv = new nn.DepthwiseConv2d(total, opts.kernelSize ?? 7);
    this.pws = this.dims.slice(0, -1).map((d, i) => new nn.Linear(d, this.dims[i + 1]));
    this.proj_out = new nn.Linear(dim, dim);
    this.scale = opts.scale ?? 1 / 3;
  }

  override extraRepr(): string {
    return `dim=${this.dim}, order=${this.order}`;
  }

  forward(x: Tensor): Tensor {
    const fused = this.proj_in.forward(x);
    const [pa, abc] = split(fused, [this.dims[0], fused.shape[fused.ndim - 1] - this.dims[0]], -1);
    fused.dispose();
    const dw = this.dwconv.forward(abc);
    abc.dispose();
    const dws = mul(dw, this.scale);
    dw.dispose();
    const qs = split(dws, this.dims, -1);
    dws.dispose();
    let p = mul(pa, qs[0]);
    pa.dispose();
    qs[0].dispose();
    this.pws.forEach((pw, i) => {
      const h = pw.forward(p);
      p.dispose();
      p = mul(h, qs[i + 1]);
      h.dispose();
      qs[i + 1].dispose();
    });
    const y = linear(p, this.proj_out.weight, this.proj_out.bias);
    p.dispose();
    return y;
  }
}
