/**
 * Swin's window multi-head self-attention on windows of m×m tokens, with the relative position
 * bias table [(2M−1)², heads] and an optional additive mask [nW, m², m²] for shifted windows;
 * plus window partition/reverse and the shift mask. NHWC throughout.
 */
import { add, ArgumentError, checkOptionKeys, gather, linear, matmul, mul, nn, permute, reshape, slice, softmax, zeros, type Tensor } from '@quadranet/core';

/**
 * Indices into the (2M−1)² table for every (query, key) pair of an m×m window (m ≤ M), row-major
 * tokens: (Δh + M − 1)·(2M − 1) + (Δw + M − 1). With m = M this is Swin's relative_position_index.
 */
export function relativePositionIndex(m: number, M = m): Int32Array {
  if (m > M) throw new ArgumentError(`relativePositionIndex: window ${m} exceeds the table's window ${M}`);
  const T = m * m;
  const out = new Int32Array(T * T);
  for (let i = 0; i < T; i++) {
    const hi = Math.floor(i / m), wi = i % m;
    for (let j = 0; j < T; j++) {
      const hj = Math.floor(j / m), wj = j % m;
      out[i * T + j] = (hi - hj + M - 1) * (2 * M - 1) + (wi - wj + M - 1);
    }
  }
  return out;
}

/**
 * Swin's attention mask for a cyclic shift by s on an Hp×Wp map cut into m×m windows: 0 for pairs
 * in the same region, −100 otherwise; [nW, m², m²] with windows and tokens row-major.
 */
export function shiftMask(hp: number, wp: number, m: number, s: number): Float64Array {
  const region = (i: number, n: number) => (i < n - m ? 0 : i < n - s ? 1 : 2);
  const nh = hp / m, nw = wp / m, T = m * m;
  const out = new Float64Array(nh * nw * T * T);
  const lab = new Int32Array(T);
  for (let a = 0; a < nh; a++) {
    for (let b = 0; b < nw; b++) {
      for (let t = 0; t < T; t++) lab[t] = 3 * region(a * m + Math.floor(t / m), hp) + region(b * m + (t % m), wp);
      const base = (a * nw + b) * T * T;
      for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) out[base + i * T + j] = lab[i] === lab[j] ? 0 : -100;
    }
  }
  return out;
}

/** [N, Hp, Wp, C] → [N·nW, m², C] (windows row-major per image). */
export function windowPartition(x: Tensor, m: number): Tensor {
  const [n, hp, wp, c] = x.shape;
  const a = reshape(x, [n, hp / m, m, wp / m, m, c]);
  const b = permute(a, [0, 1, 3, 2, 4, 5]);
  a.dispose();
  const y = reshape(b, [-1, m * m, c]);
  b.dispose();
  return y;
}

/** [N·nW, m², C] → [N, Hp, Wp, C], the inverse of windowPartition. */
export function windowReverse(w: Tensor, n: number, hp: number, wp: number, m: number): Tensor {
  const c = w.shape[w.ndim - 1];
  const a = reshape(w, [n, hp / m, wp / m, m, m, c]);
  const b = permute(a, [0, 1, 3, 2, 4, 5]);
  a.dispose();
  const y = reshape(b, [n, hp, wp, c]);
  b.dispose();
  return y;
}

export interface WindowAttentionOptions {
  /** Window size M of the bias table (default 7). */
  windowSize?: number;
  /** Head count (default max(1, ⌊C / 32⌋)); C must be divisible by it. */
  heads?: number;
}

export class WindowAttention extends nn.Module {
  qkv: nn.Linear;
  proj: nn.Linear;
  relative_position_bias_table: nn.Parameter;
  readonly windowSize: number;
  readonly heads: number;
  readonly headDim: number;
  readonly scale: number;
  private readonly index = new Map<number, Int32Array>();

  constructor(readonly dim: number, opts: WindowAttentionOptions = {}) {
    super();
    checkOptionKeys('WindowAttention', opts, ['windowSize', 'heads']);
    this.windowSize = opts.windowSize ?? 7;
    this.heads = opts.heads ?? Math.max(1, Math.floor(dim / 32));
    if (!Number.isInteger(this.windowSize) || this.windowSize < 1) throw new ArgumentError(`WindowAttention: windowSize must be a positive integer, got ${this.windowSize}`);
    if (!Number.isInteger(this.heads) || this.heads < 1 || dim % this.heads !== 0) {
      throw new ArgumentError(`WindowAttention: heads must be a positive integer dividing dim ${dim}, got ${this.heads}`);
    }
    this.headDim = dim / this.heads;
    this.scale = this.headDim ** -0.5;
    this.qkv = new nn.Linear(dim, 3 * dim);
    this.proj = new nn.Linear(dim, dim);
    const M = this.windowSize;
    this.relative_position_bias_table = new nn.Parameter(nn.truncNormal_(zeros([(2 * M - 1) ** 2, this.heads]), 0.02));
  }

  /** Bias [heads, T, T] for an m×m window, gathered from the table (differentiable in it). */
  private bias(m: number): Tensor {
    let idx = this.index.get(m);
    if (!idx) this.index.set(m, (idx = relativePositionIndex(m, this.windowSize)));
    const T = m * m;
    const g = gather(this.relative_position_bias_table, idx, 0);
    const g3 = reshape(g, [T, T, this.heads]);
    g.dispose();
    const b = permute(g3, [2, 0, 1]);
    g3.dispose();
    return b;
  }

  /**
   * x: [B, m², C] windows (m inferred from the token count, m ≤ M); mask: [nW, m², m²] with B a
   * multiple of nW (windows of one image consecutive). Returns [B, m², C].
   */
  override extraRepr(): string {
    return `dim=${this.dim}, window=${this.windowSize}, heads=${this.heads}`;
  }

  forward(x: Tensor, mask?: Tensor): Tensor {
    const [B, T, C] = x.shape;
    const m = Math.round(Math.sqrt(T));
    if (x.ndim !== 3 || m * m !== T || m > this.windowSize || C !== this.dim) {
      throw new ArgumentError(`WindowAttention: x must be [B, m², ${this.dim}] with m <= ${this.windowSize}, got [${x.shape.join(', ')}]`);
    }
    const h = this.heads, hd = this.headDim;
    const qkv = linear(x, this.qkv.weight, this.qkv.bias);
    const q5 = reshape(qkv, [B, T, 3, h, hd]);
    qkv.dispose();
    const parts = permute(q5, [2, 0, 3, 1, 4]);
    q5.dispose();
    const [q, k, v] = [0, 1, 2].map((i) => {
      const s = slice(parts, 0, i, i + 1);
      const r = reshape(s, [B * h, T, hd]);
      s.dispose();
      return r;
    });
    parts.dispose();
    const qs = mul(q, this.scale);
    q.dispose();
    const kt = permute(k, [0, 2, 1]);
    k.dispose();
    const scores = matmul(qs, kt);
    qs.dispose();
    kt.dispose();

    const bias = this.bias(m);
    let logits: Tensor;
    if (mask) {
      const nW = mask.shape[0];
      if (mask.ndim !== 3 || mask.shape[1] !== T || mask.shape[2] !== T || B % nW !== 0) {
        throw new ArgumentError(`WindowAttention: mask must be [nW, ${T}, ${T}] with nW dividing ${B}, got [${mask.shape.join(', ')}]`);
      }
      const b4 = reshape(bias, [1, h, T, T]);
      const m4 = reshape(mask, [nW, 1, T, T]);
      const bm = add(b4, m4);
      const s5 = reshape(scores, [B / nW, nW, h, T, T]);
      logits = add(s5, bm);
      for (const t of [b4, m4, bm, s5]) t.dispose();
    } else {
      const s4 = reshape(scores, [B, h, T, T]);
      logits = add(s4, bias);
      s4.dispose();
    }
    bias.dispose();
    scores.dispose();
    const p = softmax(logits);
    logits.dispose();
    const p3 = reshape(p, [B * h, T, T]);
    p.dispose();
    const o = matmul(p3, v);
    p3.dispose();
    v.dispose();
    const o4 = reshape(o, [B, h, T, hd]);
    o.dispose();
    const ot = permute(o4, [0, 2, 1, 3]);
    o4.dispose();
    const o3 = reshape(ot, [B, T, C]);
    ot.dispose();
    const y = linear(o3, this.proj.weight, this.proj.bias);
    o3.dispose();
    return y;
  }
}
