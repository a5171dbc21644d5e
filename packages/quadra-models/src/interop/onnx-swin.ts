/**
 * SwinBlock as ONNX nodes over an NHWC value of a fixed H×W: zero padding (Pad), the cyclic shift
 * as Slice + Concat, windows by Reshape/Transpose, window attention with the relative position bias
 * gathered from the stored table, the shifted-window mask as a constant, then the way back.
 * The batch stays symbolic (Reshape with −1), so dynamic-batch exports work.
 */
import type { SwinBlock } from '../blocks/swin-block.js';
import { relativePositionIndex, shiftMask } from '../blocks/window-attention.js';
import { layerNorm, linear, mlp, type Ctx } from './onnx-layers.js';

/** torch.roll(x, shift, axis) for shift in (−n, n): Slice + Concat. */
function roll({ g }: Ctx, x: string, shift: number, axis: number, n: number, hint: string): string {
  const k = ((shift % n) + n) % n; // y[i] = x[(i − k) mod n]
  if (k === 0) return x;
  const part = (from: number, to: number, h: string) =>
    g.op('Slice', [x, g.int64(`${h}.starts`, [from]), g.int64(`${h}.ends`, [to]), g.int64(`${h}.axes`, [axis])], h);
  return g.op('Concat', [part(n - k, n, `${hint}.tail`), part(0, n - k, `${hint}.head`)], hint, { axis });
}

function reshape({ g }: Ctx, x: string, shape: number[], hint: string): string {
  return g.op('Reshape', [x, g.int64(`${hint}.shape`, shape)], hint);
}

/** Window attention on windows [N, nW, T, C] (T = m²); mask [nW, T, T] when shifted. */
function attention(c: Ctx, x: string, b: SwinBlock, p: string, m: number, nW: number, mask: Float32Array | null): string {
  const { g, w } = c;
  const a = b.attn;
  const T = m * m, h = a.heads, hd = a.headDim, C = a.dim;
  const qkv = reshape(c, linear(c, x, a.qkv, `${p}.qkv`), [-1, nW, T, 3, h, hd], `${p}.qkv.split`);
  const parts = g.op('Transpose', [qkv], `${p}.qkv.perm`, { perm: [3, 0, 1, 4, 2, 5] });
  const [q, k, v] = ['q', 'k', 'v'].map((name, i) => g.op('Gather', [parts, g.int64(`${p}.${name}.index`, [i], [])], `${p}.${name}`, { axis: 0 }));
  const qs = g.op('Mul', [q, g.scalar(Math.fround(a.scale))], `${p}.q.scale`);
  const kt = g.op('Transpose', [k], `${p}.k.t`, { perm: [0, 1, 2, 4, 3] });
  let logits = g.op('MatMul', [qs, kt], `${p}.scores`);
  const idx = Array.from(relativePositionIndex(m, a.windowSize));
  const table = w.get(`${p}.relative_position_bias_table`);
  const gathered = g.op('Gather', [table, g.int64(`${p}.relative_position_index`, idx)], `${p}.bias.gather`, { axis: 0 });
  const bias = g.op('Transpose', [reshape(c, gathered, [T, T, h], `${p}.bias.reshape`)], `${p}.bias`, { perm: [2, 0, 1] });
  logits = g.op('Add', [logits, bias], `${p}.scores.bias`);
  if (mask) logits = g.op('Add', [logits, g.float(`${p}.shift_mask`, mask, [nW, 1, T, T])], `${p}.scores.mask`);
  const probs = g.op('Softmax', [logits], `${p}.softmax`, { axis: -1 });
  const o = g.op('Transpose', [g.op('MatMul', [probs, v], `${p}.context`)], `${p}.context.perm`, { perm: [0, 1, 3, 2, 4] });
  return linear(c, reshape(c, o, [-1, nW, T, C], `${p}.context.merge`), a.proj, `${p}.proj`);
}

/** The block on an NHWC value [N, H, W, C] with H×W = size. */
export function swinBlock(c: Ctx, x: string, b: SwinBlock, p: string, size: { h: number; w: number }): string {
  const { g } = c;
  const { h: H, w: W } = size;
  const C = b.dim;
  const { window: m, shift: s } = b.windowFor(H, W);
  const hp = Math.ceil(H / m) * m, wp = Math.ceil(W / m) * m;
  const nh = hp / m, nw = wp / m;
  let cur = layerNorm(c, x, b.norm1, `${p}.norm1`);
  if (hp !== H || wp !== W) {
    cur = g.op('Pad', [cur, g.int64(`${p}.pads`, [0, 0, 0, 0, 0, hp - H, wp - W, 0])], `${p}.pad`, { mode: 'constant' });
  }
  cur = roll(c, roll(c, cur, -s, 1, hp, `${p}.shift_h`), -s, 2, wp, `${p}.shift_w`);
  const win = reshape(c, g.op('Transpose', [reshape(c, cur, [-1, nh, m, nw, m, C], `${p}.windows.split`)], `${p}.windows.perm`, { perm: [0, 1, 3, 2, 4, 5] }), [-1, nh * nw, m * m, C], `${p}.windows`);
  const mask = s > 0 ? Float32Array.from(shiftMask(hp, wp, m, s)) : null;
  const att = attention(c, win, b, `${p}.attn`, m, nh * nw, mask);
  cur = reshape(c, g.op('Transpose', [reshape(c, att, [-1, nh, nw, m, m, C], `${p}.merge.split`)], `${p}.merge.perm`, { perm: [0, 1, 3, 2, 4, 5] }), [-1, hp, wp, C], `${p}.merge`);
  cur = roll(c, roll(c, cur, s, 1, hp, `${p}.unshift_h`), s, 2, wp, `${p}.unshift_w`);
  if (hp !== H || wp !== W) {
    cur = g.op('Slice', [cur, g.int64(`${p}.crop.starts`, [0, 0]), g.int64(`${p}.crop.ends`, [H, W]), g.int64(`${p}.crop.axes`, [1, 2])], `${p}.crop`);
  }
  const x1 = g.op('Add', [x, cur], `${p}.res1`);
  const y = mlp(c, layerNorm(c, x1, b.norm2, `${p}.norm2`), b.mlp.pwconv1, b.mlp.pwconv2, `${p}.mlp.fc1`, `${p}.mlp.fc2`);
  return g.op('Add', [x1, y], `${p}.res2`);
}
