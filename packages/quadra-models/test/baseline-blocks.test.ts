/**
 * Baseline blocks (HorNet gⁿConv, Swin window attention, skip): names and counts, the forward
 * against plain-TS references written here, float64 finite-difference gradients, edge cases.
 */
import * as q from '@quadranet/core';
import { describe, expect, it } from 'vitest';
import { fdCheck, randomise, relL2 } from './block-helpers.js';
import { HorBlock } from '../src/blocks/hor-block.js';
import { SkipBlock } from '../src/blocks/skip-block.js';
import { SwinBlock } from '../src/blocks/swin-block.js';
import { relativePositionIndex, shiftMask } from '../src/blocks/window-attention.js';

const f64 = (t: q.Tensor) => Float64Array.from(t.data());

// ---------- plain-TS pieces (NHWC rows of C channels) ----------

/** y[r, o] = Σ_i x[r, i]·w[o, i] + b[o]. */
function linearRef(x: Float64Array, w: Float64Array, b: Float64Array, inF: number, outF: number): Float64Array {
  const rows = x.length / inF;
  const y = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b[o];
      for (let i = 0; i < inF; i++) s += x[r * inF + i] * w[o * inF + i];
      y[r * outF + o] = s;
    }
  }
  return y;
}

/** Depthwise k×k, zero 'same' padding, weight [k, k, C]. */
function dwRef(x: Float64Array, n: number, h: number, wd: number, c: number, w: Float64Array, b: Float64Array, k: number): Float64Array {
  const y = new Float64Array(x.length);
  const r = (k - 1) / 2;
  for (let s = 0; s < n; s++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < wd; j++)
        for (let ch = 0; ch < c; ch++) {
          let acc = b[ch];
          for (let di = 0; di < k; di++)
            for (let dj = 0; dj < k; dj++) {
              const ii = i + di - r, jj = j + dj - r;
              if (ii < 0 || jj < 0 || ii >= h || jj >= wd) continue;
              acc += x[((s * h + ii) * wd + jj) * c + ch] * w[(di * k + dj) * c + ch];
            }
          y[((s * h + i) * wd + j) * c + ch] = acc;
        }
  return y;
}

/** Column block [from, from+len) of rows of width c. */
function cols(x: Float64Array, c: number, from: number, len: number): Float64Array {
  const rows = x.length / c;
  const y = new Float64Array(rows * len);
  for (let r = 0; r < rows; r++) for (let j = 0; j < len; j++) y[r * len + j] = x[r * c + from + j];
  return y;
}

/** LN + MLP half of every block through core ops (those ops have their own tests). */
function mlpHalf(x1: q.Tensor, norm: q.nn.LayerNorm, fc1: q.nn.Linear, fc2: q.nn.Linear): q.Tensor {
  const h = q.layerNorm(x1, norm.weight, norm.bias, norm.eps);
  return q.linear(q.gelu(q.linear(h, fc1.weight, fc1.bias)), fc2.weight, fc2.bias);
}

// ---------- HorBlock ----------

/** gⁿConv written out on plain arrays, straight from the HorNet definition. */
function gnConvRef(b: HorBlock, h: Float64Array, shape: readonly number[]): Float64Array {
  const [n, H, W, C] = shape;
  const g = b.gnconv;
  const order = b.order;
  const dims: number[] = [];
  for (let i = order - 1; i >= 0; i--) dims.push(C >> i);
  const S = dims.reduce((a, v) => a + v, 0);
  const fused = linearRef(h, f64(g.proj_in.weight), f64(g.proj_in.bias!), C, 2 * C);
  const pa = cols(fused, 2 * C, 0, dims[0]);
  const abc = cols(fused, 2 * C, dims[0], S);
  const dw = dwRef(abc, n, H, W, S, f64(g.dwconv.weight), f64(g.dwconv.bias!), g.dwconv.kernelSize).map((v) => v / 3);
  let at = 0;
  const qs = dims.map((d) => {
    const part = cols(dw, S, at, d);
    at += d;
    return part;
  });
  let p = pa.map((v, i) => v * qs[0][i]);
  for (let i = 0; i < order - 1; i++) {
    const t = linearRef(p, f64(g.pws[i].weight), f64(g.pws[i].bias!), dims[i], dims[i + 1]);
    p = t.map((v, j) => v * qs[i + 1][j]);
  }
  return linearRef(p, f64(g.proj_out.weight), f64(g.proj_out.bias!), C, C);
}

function horRef(b: HorBlock, x: q.Tensor): q.Tensor {
  return q.noGrad(() => {
    const h = q.layerNorm(x, b.norm1.weight, b.norm1.bias, 1e-6);
    const gn = q.tensor(gnConvRef(b, f64(h), x.shape), x.shape, { dtype: x.dtype });
    const x1 = q.add(x, q.mul(gn, b.gamma1));
    return q.add(x1, q.mul(mlpHalf(x1, b.norm2, b.mlp.pwconv1, b.mlp.pwconv2), b.gamma2));
  });
}

describe('HorBlock', () => {
  it('has the HorNet reference parameter names and shapes', () => {
    const b = new HorBlock(8, { order: 3 });
    const shapes = Object.fromEntries([...b.stateDict()].map(([k, t]) => [k, t.shape]));
    expect(shapes).toEqual({
      'norm1.weight': [8], 'norm1.bias': [8],
      'gnconv.proj_in.weight': [16, 8], 'gnconv.proj_in.bias': [16],
      'gnconv.dwconv.weight': [7, 7, 14], 'gnconv.dwconv.bias': [14],
      'gnconv.pws.0.weight': [4, 2], 'gnconv.pws.0.bias': [4],
      'gnconv.pws.1.weight': [8, 4], 'gnconv.pws.1.bias': [8],
      'gnconv.proj_out.weight': [8, 8], 'gnconv.proj_out.bias': [8],
      'norm2.weight': [8], 'norm2.bias': [8],
      'pwconv1.weight': [32, 8], 'pwconv1.bias': [32], 'pwconv2.weight': [8, 32], 'pwconv2.bias': [8],
      'gamma1': [8], 'gamma2': [8],
    });
    expect(Array.from(b.gamma1.data())).toEqual(new Array(8).fill(Math.fround(1e-6)));
    expect(Array.from(b.gamma2.data())).toEqual(new Array(8).fill(Math.fround(1e-6)));
  });

  it('orders 2..5: output shape, widths and parameter counts', () => {
    const C = 16;
    for (const order of [2, 3, 4, 5]) {
      const b = new HorBlock(C, { order });
      const dims = Array.from({ length: order }, (_, k) => C / 2 ** (order - 1 - k));
      expect(b.gnconv.dims).toEqual(dims);
      const S = dims.reduce((a, v) => a + v, 0);
      expect(S).toBe(2 * C - dims[0]);
      let pws = 0;
      for (let i = 0; i < order - 1; i++) pws += dims[i] * dims[i + 1] + dims[i + 1];
      const gn = 2 * C * C + 2 * C + 50 * S + pws + C * C + C;
      expect(b.numParameters(), `order ${order}`).toBe(gn + 8 * C * C + 5 * C + 4 * C + 2 * C);
      expect(b.gnconv.pws.length).toBe(order - 1);
      randomise(b, order);
      const x = q.randn([2, 5, 3, C], { generator: new q.Generator(order) });
      const y = q.noGrad(() => b.forward(x));
      expect(y.shape).toEqual([2, 5, 3, C]);
      expect(relL2(y.data(), horRef(b, x).data()), `order ${order}`).toBeLessThan(1e-5);
    }
  });

  it('forward equals the plain-TS gⁿConv definition; backward reaches every parameter', () => {
    const b = new HorBlock(12, { order: 3 });
    randomise(b, 1);
    const x = q.randn([2, 6, 5, 12], { generator: new q.Generator(2) });
    const y = b.forward(x);
    expect(relL2(y.data(), horRef(b, x).data())).toBeLessThan(1e-5);
    q.sum(y).backward();
    for (const [name, p] of b.namedParameters()) expect(p.grad, name).not.toBeNull();
  });

  it('rejects C not divisible by 2^(n-1) with an ArgumentError', () => {
    expect(() => new HorBlock(12, { order: 4 })).toThrow(q.ArgumentError);
    expect(() => new HorBlock(6, { order: 3 })).toThrow(/2\^\(order-1\) = 4/);
    expect(() => new HorBlock(8, { order: 0 })).toThrow(q.ArgumentError);
    expect(() => new HorBlock(8, { order: 4 })).not.toThrow();
  });

  it('drop path is the identity in eval mode', () => {
    const b = new HorBlock(4, { order: 2, dropPath: 0.5 });
    randomise(b, 3);
    const x = q.randn([3, 3, 3, 4]);
    const ev = q.noGrad(() => b.eval().forward(x));
    expect(relL2(ev.data(), horRef(b, x).data())).toBeLessThan(1e-5);
  });
});

// ---------- SwinBlock ----------

/**
 * W-MSA on the normalised map h [N, H, W, C], directly: pad, read shifted positions, loop over
 * windows and heads computing softmax(q·kᵀ·scale + bias + mask)·v, project, write back unshifted.
 * Mask: −100 between two tokens unless both or neither wrapped around in each axis.
 */
function swinAttnRef(b: SwinBlock, h: Float64Array, shape: readonly number[], m: number, s: number): Float64Array {
  const [N, H, W, C] = shape;
  const M = b.windowSize, heads = b.attn.heads, hd = C / heads, scale = 1 / Math.sqrt(hd);
  const wqkv = f64(b.attn.qkv.weight), bqkv = f64(b.attn.qkv.bias!);
  const wp_ = f64(b.attn.proj.weight), bp = f64(b.attn.proj.bias!);
  const table = f64(b.attn.relative_position_bias_table);
  const Hp = Math.ceil(H / m) * m, Wp = Math.ceil(W / m) * m;
  const out = new Float64Array(N * H * W * C);
  const T = m * m;
  for (let n = 0; n < N; n++) {
    for (let a = 0; a < Hp / m; a++) {
      for (let c0 = 0; c0 < Wp / m; c0++) {
        // token t of this window sits at shifted (i, j) = original ((i+s) mod Hp, (j+s) mod Wp)
        const orig: [number, number][] = [];
        const wrapped: [boolean, boolean][] = [];
        const feats: Float64Array[] = [];
        for (let t = 0; t < T; t++) {
          const i = a * m + Math.floor(t / m), j = c0 * m + (t % m);
          const oi = (i + s) % Hp, oj = (j + s) % Wp;
          orig.push([oi, oj]);
          wrapped.push([i + s >= Hp, j + s >= Wp]);
          const f = new Float64Array(C);
          if (oi < H && oj < W) for (let ch = 0; ch < C; ch++) f[ch] = h[((n * H + oi) * W + oj) * C + ch];
          feats.push(f);
        }
        const qkv = feats.map((f) => linearRef(f, wqkv, bqkv, C, 3 * C));
        const att = feats.map(() => new Float64Array(C));
        for (let hh = 0; hh < heads; hh++) {
          for (let t = 0; t < T; t++) {
            const logits = new Float64Array(T);
            for (let u = 0; u < T; u++) {
              let dot = 0;
              for (let d = 0; d < hd; d++) dot += qkv[t][hh * hd + d] * qkv[u][C + hh * hd + d];
              const dh = Math.floor(t / m) - Math.floor(u / m), dw = (t % m) - (u % m);
              const bias = table[((dh + M - 1) * (2 * M - 1) + (dw + M - 1)) * heads + hh];
              const same = wrapped[t][0] === wrapped[u][0] && wrapped[t][1] === wrapped[u][1];
              logits[u] = dot * scale + bias + (same ? 0 : -100);
            }
            const mx = Math.max(...logits);
            const e = logits.map((v) => Math.exp(v - mx));
            const z = e.reduce((x, y) => x + y, 0);
            for (let d = 0; d < hd; d++) {
              let acc = 0;
              for (let u = 0; u < T; u++) acc += (e[u] / z) * qkv[u][2 * C + hh * hd + d];
              att[t][hh * hd + d] = acc;
            }
          }
        }
        for (let t = 0; t < T; t++) {
          const [oi, oj] = orig[t];
          if (oi >= H || oj >= W) continue;
          out.set(linearRef(att[t], wp_, bp, C, C), ((n * H + oi) * W + oj) * C);
        }
      }
    }
  }
  return out;
}

function swinRef(b: SwinBlock, x: q.Tensor, m: number, s: number): q.Tensor {
  return q.noGrad(() => {
    const h = q.layerNorm(x, b.norm1.weight, b.norm1.bias, 1e-5);
    const att = q.tensor(swinAttnRef(b, f64(h), x.shape, m, s), x.shape, { dtype: x.dtype });
    const x1 = q.add(x, att);
    return q.add(x1, mlpHalf(x1, b.norm2, b.mlp.pwconv1, b.mlp.pwconv2));
  });
}

describe('SwinBlock', () => {
  it('has the Swin parameter names, shapes and count 12C² + 13C + 169·heads', () => {
    const b = new SwinBlock(64, { shift: true });
    expect(b.heads).toBe(2);
    const shapes = Object.fromEntries([...b.stateDict()].map(([k, t]) => [k, t.shape]));
    expect(shapes).toEqual({
      'norm1.weight': [64], 'norm1.bias': [64],
      'attn.qkv.weight': [192, 64], 'attn.qkv.bias': [192],
      'attn.proj.weight': [64, 64], 'attn.proj.bias': [64],
      'attn.relative_position_bias_table': [169, 2],
      'norm2.weight': [64], 'norm2.bias': [64],
      'mlp.fc1.weight': [256, 64], 'mlp.fc1.bias': [256], 'mlp.fc2.weight': [64, 256], 'mlp.fc2.bias': [64],
    });
    for (const C of [96, 192]) {
      const s = new SwinBlock(C);
      expect(s.heads).toBe(C / 32);
      expect(s.numParameters()).toBe(12 * C * C + 13 * C + 169 * s.heads);
    }
    expect(new SwinBlock(8).heads).toBe(1);
    expect(new SwinBlock(96, { shift: true }).shiftSize).toBe(3);
    expect(new SwinBlock(96).shiftSize).toBe(0);
  });

  it('relative_position_index matches Swin for M = 2', () => {
    // Swin's buffer for a 2×2 window (table of 3×3 offsets)
    expect(Array.from(relativePositionIndex(2))).toEqual([4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4]);
  });

  it('shift mask matches Swin regions on a 4×4 map, window 2, shift 1', () => {
    const mk = shiftMask(4, 4, 2, 1);
    // first window: no wrap, all zero; last window (bottom-right): four distinct regions
    expect(Array.from(mk.subarray(0, 16))).toEqual(new Array(16).fill(0));
    const last = Array.from(mk.subarray(3 * 16, 4 * 16));
    expect(last.filter((v) => v === 0).length).toBe(4);
    // window (0, 1): columns 2 (unwrapped) and 3 (wrapped) differ
    expect(Array.from(mk.subarray(16, 32))).toEqual([0, -100, 0, -100, -100, 0, -100, 0, 0, -100, 0, -100, -100, 0, -100, 0]);
  });

  const cases: { name: string; shape: number[]; shift: boolean; m: number; s: number }[] = [
    { name: '6×6, window 3, shifted', shape: [1, 6, 6, 4], shift: true, m: 3, s: 1 },
    { name: '6×6, window 3, not shifted', shape: [1, 6, 6, 4], shift: false, m: 3, s: 0 },
    { name: 'batch 2, 6×9, shifted', shape: [2, 6, 9, 4], shift: true, m: 3, s: 1 },
    { name: '5×7 padded to 6×9, shifted', shape: [2, 5, 7, 4], shift: true, m: 3, s: 1 },
  ];
  for (const c of cases) {
    it(`forward equals the per-window per-head loop: ${c.name}`, () => {
      const b = new SwinBlock(4, { windowSize: 3, headDim: 2, shift: c.shift });
      expect(b.windowFor(c.shape[1], c.shape[2])).toEqual({ window: c.m, shift: c.s });
      randomise(b, 11);
      const x = q.randn(c.shape, { generator: new q.Generator(12) });
      const y = b.forward(x);
      expect(y.shape).toEqual(c.shape);
      expect(relL2(y.data(), swinRef(b, x, c.m, c.s).data())).toBeLessThan(1e-5);
      q.sum(y).backward();
      for (const [name, p] of b.namedParameters()) expect(p.grad, name).not.toBeNull();
    });
  }

  it('float64 forward matches the loop to 1e-12 (shifted, padded)', () => {
    const b = new SwinBlock(4, { windowSize: 3, headDim: 2, shift: true }).to('float64');
    randomise(b, 13);
    const g = new q.Generator(14);
    const shape = [2, 7, 5, 4];
    const x = q.tensor(Float64Array.from({ length: 280 }, () => g.normal()), shape);
    const y = q.noGrad(() => b.forward(x));
    expect(relL2(y.data(), swinRef(b, x, 3, 1).data())).toBeLessThan(1e-12);
  });

  it('a map no larger than the window uses one window of the map size and no shift', () => {
    const b = new SwinBlock(4, { windowSize: 7, headDim: 2, shift: true });
    randomise(b, 15);
    for (const hw of [[5, 5], [7, 7], [4, 6]]) {
      const m = Math.min(hw[0], hw[1]);
      expect(b.windowFor(hw[0], hw[1])).toEqual({ window: m, shift: 0 });
      const x = q.randn([2, hw[0], hw[1], 4], { generator: new q.Generator(16) });
      const y = q.noGrad(() => b.forward(x));
      expect(y.shape).toEqual([2, hw[0], hw[1], 4]);
      expect(relL2(y.data(), swinRef(b, x, m, 0).data()), hw.join('×')).toBeLessThan(1e-5);
    }
    // one pixel: the attention is the identity on v
    const x1 = q.randn([1, 1, 1, 4]);
    expect(q.noGrad(() => b.forward(x1)).shape).toEqual([1, 1, 1, 4]);
  });

  it('default 7×7 windows with shift 3 on a 14×14 map (C = 64, 2 heads)', () => {
    const b = new SwinBlock(64, { shift: true });
    randomise(b, 17);
    const x = q.randn([1, 14, 14, 64], { generator: new q.Generator(18) });
    const y = q.noGrad(() => b.forward(x));
    expect(relL2(y.data(), swinRef(b, x, 7, 3).data())).toBeLessThan(1e-5);
  });

  it('rejects a bad headDim or input', () => {
    expect(() => new SwinBlock(4, { headDim: 0 })).toThrow(q.ArgumentError);
    expect(() => new SwinBlock(6, { headDim: 4 })).not.toThrow(); // 1 head of 6
    expect(() => new SwinBlock(10, { headDim: 3 })).toThrow(q.ArgumentError); // 3 heads do not divide 10
    expect(() => new SwinBlock(4).forward(q.randn([1, 3, 3, 5]))).toThrow(q.ShapeError);
  });
});

// ---------- SkipBlock ----------

describe('SkipBlock', () => {
  it('is the identity with no parameters, and its output outlives the input handle', () => {
    const b = new SkipBlock(8, { dropPath: 0.1 });
    expect(b.numParameters()).toBe(0);
    expect([...b.stateDict().keys()]).toEqual([]);
    const x = q.randn([2, 3, 3, 8]);
    const want = Array.from(x.data());
    const y = b.forward(x);
    x.dispose();
    expect(Array.from(y.data())).toEqual(want);
  });
});

// ---------- memory ----------

describe('baseline blocks release their intermediates', () => {
  const blocks: [string, () => q.nn.Module][] = [
    ['HorBlock', () => new HorBlock(8, { order: 3 })],
    ['SwinBlock', () => new SwinBlock(4, { windowSize: 3, headDim: 2, shift: true })],
  ];
  for (const [name, make] of blocks) {
    it(name, () => {
      const b = make();
      randomise(b, 21);
      const x = q.randn([2, 5, 7, b instanceof HorBlock ? 8 : 4]);
      const before = q.memory().cpu.count;
      q.noGrad(() => b.forward(x)).dispose();
      expect(q.memory().cpu.count).toBe(before);
      // with the tape: after backward only the parameter gradients remain
      const y = b.forward(x);
      q.scope(() => q.sum(y).backward());
      y.dispose();
      expect(q.memory().cpu.count).toBe(before + b.parameters().length);
      b.zeroGrad();
      expect(q.memory().cpu.count).toBe(before);
    });
  }
});

// ---------- gradients ----------

describe('baseline block gradients by float64 finite differences (tiny shapes)', () => {
  it('HorBlock order 2', () => expect(fdCheck(new HorBlock(4, { order: 2, kernelSize: 3, expansion: 2 }), [2, 3, 4, 4])).toBeLessThan(1e-6));
  it('HorBlock order 3', () => expect(fdCheck(new HorBlock(4, { order: 3, expansion: 2 }), [1, 4, 3, 4])).toBeLessThan(1e-6));
  it('SwinBlock shifted 6×6, window 3', () => expect(fdCheck(new SwinBlock(4, { windowSize: 3, headDim: 2, shift: true, mlpRatio: 2 }), [1, 6, 6, 4])).toBeLessThan(1e-6));
  it('SwinBlock shifted and padded 5×4', () => expect(fdCheck(new SwinBlock(4, { windowSize: 3, headDim: 2, shift: true, mlpRatio: 2 }), [2, 5, 4, 4])).toBeLessThan(1e-6));
  it('SwinBlock map smaller than the window', () => expect(fdCheck(new SwinBlock(4, { windowSize: 5, headDim: 2, shift: true, mlpRatio: 2 }), [1, 3, 4, 4])).toBeLessThan(1e-6));
  it('SkipBlock', () => expect(fdCheck(new SkipBlock(3), [1, 2, 2, 3])).toBeLessThan(1e-9));
});
