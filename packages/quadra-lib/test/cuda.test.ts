// The CUDA module (quadra_cuda.node): without a GPU it loads (when built) and says why it cannot
// be used; with a GPU every kernel is compared with the float64 reference kernels, and the
// caching allocator and the view checks are exercised.
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { CudaUnavailableError, cudaStatus, info, loadCuda, type CudaBackend, type DeviceArray } from '../src/index.js';
import { cudaModulePaths, cudaNativeOrNull } from '../src/cuda/load.js';
import {
  adamwStepRef, broadcastBinaryRef, dwconv2dBackwardRef, dwconv2dRef, gemmRef, geluBackwardRef, geluRef, layerNormBackwardRef,
  layerNormRef, linearBackwardRef, linearRef, permuteRef, quadconv2dBackwardRef, quadconv2dRef, reduceSumRef, sgdStepRef,
  softmaxBackwardRef, softmaxRef, correlate,
} from '../src/reference/index.js';
import { randomF32, relL2, rng, thrown } from './helpers.js';
import { SIZES } from './targets.js';

const status = cudaStatus();
const built = cudaModulePaths().some((p) => existsSync(p));
if (!status.available) console.log(`cuda.test: GPU cases skipped: ${status.reason}`);

describe('CUDA module without a usable GPU', () => {
  it('cudaStatus() never throws and info().cuda reports it', () => {
    expect(typeof status.available).toBe('boolean');
    expect(status.reason.length).toBeGreaterThan(0);
    expect(info().cuda).toEqual({ available: status.available, reason: status.reason });
  });
  it.skipIf(status.available)('loadCuda() throws CudaUnavailableError with the reason', () => {
    const e = thrown(() => loadCuda());
    expect(e).toBeInstanceOf(CudaUnavailableError);
    expect((e as CudaUnavailableError).code).toBe('QUADRA_CUDA_UNAVAILABLE');
    expect((e as CudaUnavailableError).reason).toBe(status.reason);
    expect((e as Error).message).toContain(status.reason);
  });
  it.skipIf(status.available || !built)('the built module loads and names the CUDA error', () => {
    expect(cudaNativeOrNull()).not.toBeNull();
    expect(status.reason).toMatch(/^CUDA unavailable: /);
    // Memory accounting works without a device and allocating says why it cannot.
    const m = cudaNativeOrNull()!;
    expect(m.memory()).toMatchObject({ live: 0, count: 0 });
    expect(() => m.alloc(4, false)).toThrow(/CUDA unavailable/);
  });
});

// ---- GPU cases ----
const TOL = 2e-5;

describe.skipIf(!status.available)('CUDA kernels vs the reference', () => {
  const cu = status.available ? loadCuda() : (undefined as unknown as CudaBackend);
  const K = () => cu.kernels;
  const up = (a: Float32Array): DeviceArray => {
    const d = cu.alloc(a.length);
    cu.upload(d, a);
    return d;
  };
  const down = (d: DeviceArray): Float32Array => {
    const h = new Float32Array(d.length);
    cu.download(d, h);
    return h;
  };
  const zeros = (n: number) => cu.alloc(n, true);
  const close = (got: DeviceArray, want: ArrayLike<number>, tol = TOL) => expect(relL2(down(got), want)).toBeLessThan(tol);

  it('status names the device and cuBLAS', () => {
    expect(status.device?.name.length).toBeGreaterThan(0);
    expect(status.cublas).toBeTypeOf('string');
  });

  for (const c of SIZES) {
    for (const k of c <= 17 ? [1, 3, 5, 7, 9] : [3, 7]) {
      it(`quadconv fwd/bwd c ${c} k ${k}, both modes`, () => {
        const r = rng(1000 * c + k);
        const s = { n: 2, h: 5 + (c % 4) * 2, w: 9 + (k % 3) * 2, c };
        const n = s.n * s.h * s.w * c, wn = k * k * c;
        const x = randomF32(r, n), dy = randomF32(r, n);
        const w = { wa: randomF32(r, wn, 0.3), ba: randomF32(r, c), wb: randomF32(r, wn, 0.3), bb: randomF32(r, c), wc: randomF32(r, wn, 0.3), bc: randomF32(r, c) };
        const dw = { wa: up(w.wa), ba: up(w.ba), wb: up(w.wb), bb: up(w.bb), wc: up(w.wc), bc: up(w.bc) };
        const dx = up(x), ddy = up(dy), y = zeros(n), sa = zeros(n), sb = zeros(n);
        K().QuadConv2d(dx, s, k, dw, y, { a: sa, b: sb });
        close(y, quadconv2dRef(x, s, w, k));
        close(sa, correlate(x, s, w.wa, w.ba, k));
        const ref = quadconv2dBackwardRef(x, s, w, k, dy);
        for (const saved of [null, { a: sa, b: sb }]) {
          const g = { dx: zeros(n), dwa: zeros(wn), dba: zeros(c), dwb: zeros(wn), dbb: zeros(c), dwc: zeros(wn), dbc: zeros(c) };
          K().QuadConv2dGrad(dx, s, k, dw, ddy, saved, g);
          for (const key of ['dx', 'dwa', 'dba', 'dwb', 'dbb', 'dwc', 'dbc'] as const) close(g[key], ref[key]);
        }
        // Without biases.
        const y2 = zeros(n);
        K().QuadConv2d(dx, s, k, { wa: dw.wa, wb: dw.wb, wc: dw.wc }, y2, null);
        close(y2, quadconv2dRef(x, s, { wa: w.wa, wb: w.wb, wc: w.wc }, k));
      });
    }
  }

  it('quadconv at the benchmark shape (8x56x56x128, k7) fwd and bwd', () => {
    const r = rng(7);
    const s = { n: 2, h: 56, w: 56, c: 128 }, k = 7, n = 2 * 56 * 56 * 128, wn = 49 * 128;
    const x = randomF32(r, n), dy = randomF32(r, n);
    const w = { wa: randomF32(r, wn, 0.2), wb: randomF32(r, wn, 0.2), wc: randomF32(r, wn, 0.2) };
    const dw = { wa: up(w.wa), wb: up(w.wb), wc: up(w.wc) };
    const y = zeros(n);
    K().QuadConv2d(up(x), s, k, dw, y, null);
    close(y, quadconv2dRef(x, s, w, k));
    const g = { dx: zeros(n), dwa: zeros(wn), dba: zeros(128), dwb: zeros(wn), dbb: zeros(128), dwc: zeros(wn), dbc: zeros(128) };
    K().QuadConv2dGrad(up(x), s, k, dw, up(dy), null, g);
    const ref = quadconv2dBackwardRef(x, s, w, k, dy);
    for (const key of ['dx', 'dwa', 'dba', 'dwb', 'dbb', 'dwc', 'dbc'] as const) close(g[key], ref[key], 1e-4);
  });

  for (const c of [1, 9, 64, 65]) {
    for (const k of [3, 7, 11]) {
      it(`dwconv fwd/bwd c ${c} k ${k}`, () => {
        const r = rng(31 * c + k);
        const s = { n: 2, h: 7, w: 13, c }, n = 2 * 7 * 13 * c, wn = k * k * c;
        const x = randomF32(r, n), dy = randomF32(r, n), w = randomF32(r, wn), b = randomF32(r, c);
        const y = zeros(n);
        K().DwConv2d(up(x), s, k, up(w), up(b), y);
        close(y, dwconv2dRef(x, s, { w, b }, k));
        const ref = dwconv2dBackwardRef(x, s, { w }, k, dy);
        const gx = zeros(n), gw = zeros(wn), gb = zeros(c);
        K().DwConv2dGrad(up(x), s, k, up(w), up(dy), gx, gw, gb);
        close(gx, ref.dx);
        close(gw, ref.dw);
        close(gb, ref.db);
      });
    }
  }

  for (const cols of [1, 7, 33, 128, 1000]) {
    it(`layernorm, gelu, softmax, cross-entropy cols ${cols}`, () => {
      const r = rng(cols);
      const rows = 37, n = rows * cols;
      const x = randomF32(r, n, 3), dy = randomF32(r, n), gamma = randomF32(r, cols), beta = randomF32(r, cols);
      const y = zeros(n), mean = zeros(rows), rstd = zeros(rows);
      K().LayerNorm(up(x), rows, cols, up(gamma), up(beta), 1e-5, y, mean, rstd);
      const ry = new Float32Array(n), rm = new Float32Array(rows), rr = new Float32Array(rows);
      layerNormRef(x, rows, cols, gamma, beta, 1e-5, ry, rm, rr);
      close(y, ry);
      close(rstd, rr);
      const gx = zeros(n), gg = zeros(cols), gbeta = zeros(cols);
      K().LayerNormGrad(up(x), rows, cols, up(gamma), mean, rstd, up(dy), gx, gg, gbeta);
      const rdx = new Float32Array(n), rdg = new Float32Array(cols), rdb = new Float32Array(cols);
      layerNormBackwardRef(x, rows, cols, gamma, rm, rr, dy, rdx, rdg, rdb);
      close(gx, rdx, 1e-4);
      close(gg, rdg);
      close(gbeta, rdb);

      const gy = zeros(n), gd = zeros(n), rg = new Float32Array(n), rgd = new Float32Array(n);
      K().Gelu(up(x), gy);
      geluRef(x, rg);
      close(gy, rg);
      K().GeluGrad(up(x), up(dy), gd);
      geluBackwardRef(x, dy, rgd);
      close(gd, rgd);
      const h = up(x), bg = zeros(n);
      K().BiasGelu(h, up(beta), cols, bg);
      const hb = x.map((v, i) => v + beta[i % cols]);
      close(h, hb);
      const rbg = new Float32Array(n);
      geluRef(hb, rbg);
      close(bg, rbg);

      for (const log of [false, true]) {
        const sm = zeros(n), rs = new Float32Array(n);
        K().Softmax(up(x), rows, cols, sm, log);
        softmaxRef(x, rows, cols, rs, log);
        close(sm, rs);
        const sg = zeros(n), rsg = new Float32Array(n);
        K().SoftmaxGrad(sm, up(dy), rows, cols, sg, log);
        softmaxBackwardRef(rs, dy, rows, cols, rsg, log);
        close(sg, rsg, 1e-4);
      }
      const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % cols);
      const eps = 0.1, probs = zeros(n);
      const loss = K().CrossEntropy(up(x), rows, cols, labels, eps, probs);
      const lsm = new Float64Array(n);
      softmaxRef(Float64Array.from(x), rows, cols, lsm, true);
      let want = 0;
      for (let rI = 0; rI < rows; rI++) {
        let s = 0;
        for (let cI = 0; cI < cols; cI++) s += lsm[rI * cols + cI];
        want += -(1 - eps) * lsm[rI * cols + labels[rI]] - (eps / cols) * s;
      }
      expect(Math.abs(loss - want / rows)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want / rows)));
      close(probs, lsm.map(Math.exp));
      const dl = zeros(n);
      K().CrossEntropyGrad(probs, rows, cols, labels, eps, 1 / rows, dl);
      const p = lsm.map(Math.exp);
      close(dl, p.map((v, i) => (v - ((i % cols) === labels[Math.floor(i / cols)] ? 1 - eps : 0) - eps / cols) / rows));
      expect(() => K().CrossEntropy(up(x), rows, cols, labels.map(() => cols), eps, probs)).toThrow(RangeError);
    });
  }

  it('gemm with every transpose, linear and its gradient', () => {
    for (const [m, nn, kk] of [[1, 1, 1], [17, 9, 33], [64, 65, 63], [5, 128, 0]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const r = rng(m * 7 + nn + kk);
          const a = randomF32(r, m * kk), b = randomF32(r, kk * nn), c0 = randomF32(r, m * nn);
          const d = { m, n: nn, k: kk, transA, transB, alpha: 0.5, beta: 2 };
          const c = up(c0), rc = c0.slice();
          K().Gemm(up(a), up(b), c, d);
          gemmRef(a, b, rc, d);
          close(c, rc);
        }
      }
    }
    const r = rng(3);
    const dims = { rows: 33, inFeatures: 17, outFeatures: 65 };
    const x = randomF32(r, 33 * 17), w = randomF32(r, 17 * 65), b = randomF32(r, 65), dy = randomF32(r, 33 * 65);
    const y = zeros(33 * 65), ry = new Float32Array(33 * 65);
    K().Linear(up(x), up(w), up(b), y, dims);
    linearRef(x, w, b, dims, ry);
    close(y, ry);
    const gx = zeros(33 * 17), gw = zeros(17 * 65), gb = zeros(65);
    K().LinearGrad(up(x), up(w), up(dy), dims, gx, gw, gb);
    const g = { dx: new Float32Array(33 * 17), dw: new Float32Array(17 * 65), db: new Float32Array(65) };
    linearBackwardRef(x, w, dy, dims, g);
    close(gx, g.dx);
    close(gw, g.dw);
    close(gb, g.db);
  });

  it('broadcast, reduceSum, permute, im2col/col2im, optimizers', () => {
    const r = rng(11);
    const aS = [3, 1, 5, 17], bS = [4, 1, 1], oS = [3, 4, 5, 17];
    const a = randomF32(r, 3 * 5 * 17), b = randomF32(r, 4).map((v) => v + 2), on = 3 * 4 * 5 * 17;
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      const o = zeros(on), ro = new Float32Array(on);
      K().BroadcastBinary(op, up(a), aS, up(b), bS, o, oS);
      broadcastBinaryRef(op, a, aS, b, bS, ro, oS);
      close(o, ro);
    }
    const xs = [3, 4, 5, 17], x = randomF32(r, on);
    for (const axes of [[0], [1], [3], [0, 1], [1, 3], [0, 2, 3], [0, 1, 2, 3]]) {
      const keep = xs.reduce((p, d, i) => (axes.includes(i) ? p : p * d), 1);
      const o = zeros(keep), ro = new Float32Array(keep);
      K().ReduceSum(up(x), xs, axes, o);
      reduceSumRef(x, xs, axes, ro);
      close(o, ro);
    }
    for (const perm of [[0, 1, 2, 3], [3, 2, 1, 0], [0, 2, 1, 3], [1, 3, 0, 2]]) {
      const o = zeros(on), ro = new Float32Array(on);
      K().Permute(up(x), xs, perm, o);
      permuteRef(x, xs, perm, ro);
      close(o, ro);
    }
    // im2col / col2im: stride 2, pad 1, 3x3 over 2x7x9x5; col2im checked as the adjoint.
    const g = { n: 2, h: 7, w: 9, c: 5, kh: 3, kw: 3, stride: 2, pad: 1, ho: 4, wo: 5 };
    const xi = randomF32(r, 2 * 7 * 9 * 5), cn = 2 * 4 * 5 * 9 * 5;
    const cols = zeros(cn);
    K().Im2Col(up(xi), g, cols);
    const hc = down(cols);
    for (let row = 0; row < 2 * 4 * 5; row++) {
      const ox = row % 5, oy = Math.floor(row / 5) % 4, nI = Math.floor(row / 20);
      for (let t = 0; t < 9; t++) {
        const iy = oy * 2 - 1 + Math.floor(t / 3), ix = ox * 2 - 1 + (t % 3);
        for (let ch = 0; ch < 5; ch++) {
          const want = iy >= 0 && iy < 7 && ix >= 0 && ix < 9 ? xi[((nI * 7 + iy) * 9 + ix) * 5 + ch] : 0;
          expect(hc[row * 45 + t * 5 + ch]).toBe(want);
        }
      }
    }
    const cg = randomF32(r, cn), dxi = up(randomF32(r, xi.length));
    K().Col2Im(up(cg), g, dxi);
    // <im2col(x), cg> = <x, col2im(cg)>
    let lhs = 0, rhs = 0;
    const hd = down(dxi);
    for (let i = 0; i < cn; i++) lhs += hc[i] * cg[i];
    for (let i = 0; i < xi.length; i++) rhs += xi[i] * hd[i];
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * Math.abs(lhs) + 1e-3);

    const np = 1037, p = randomF32(r, np), gr = randomF32(r, np), m = randomF32(r, np), v = randomF32(r, np).map(Math.abs);
    const h = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, step: 3 };
    const dp = up(p), dm = up(m), dv = up(v);
    K().AdamW(dp, up(gr), dm, dv, h);
    const rp = p.slice(), rm = m.slice(), rv = v.slice();
    adamwStepRef(rp, gr, rm, rv, h);
    close(dp, rp, 1e-6);
    close(dm, rm, 1e-6);
    close(dv, rv, 1e-6);
    for (const step of [1, 2]) {
      const sh = { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: step === 2, step };
      const sp = up(p), sb = up(m), rsp = p.slice(), rsb = m.slice();
      K().Sgd(sp, up(gr), sb, sh);
      sgdStepRef(rsp, gr, rsb, { ...sh, firstStep: step <= 1 });
      close(sp, rsp, 1e-6);
      close(sb, rsb, 1e-6);
    }
  });

  it('caching allocator: live/peak, reuse without cudaMalloc, bad views rejected', () => {
    cu.synchronize();
    const native = cudaNativeOrNull()!;
    const before = native.memory();
    const a = cu.alloc(1 << 20);
    const mid = native.memory();
    expect(mid.live).toBeGreaterThanOrEqual(before.live + 4 * (1 << 20));
    expect(mid.count).toBe(before.count + 1);
    cu.release(a);
    cu.release(a); // idempotent
    const mallocs = native.memory().mallocs;
    const b = cu.alloc(1 << 20);
    expect(native.memory().mallocs).toBe(mallocs); // served from the pool
    cu.release(b);
    expect(native.memory().live).toBe(before.live);
    cu.resetPeak();
    expect(cu.memory().peak).toBe(cu.memory().live);
    // Views: subarray bounds, released allocations, forged views.
    const c = cu.alloc(16);
    const s = c.subarray(4, 8);
    expect(s.offset).toBe(4);
    expect(s.length).toBe(4);
    cu.fill(c, 1);
    cu.fill(s, 3);
    expect(Array.from(down(c))).toEqual([1, 1, 1, 1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1]);
    const forged = { ...s, device: 'cuda', handle: c.handle, offset: 10, length: 10, byteLength: 40, subarray: s.subarray } as DeviceArray;
    expect(() => K().Scale(forged, 2, forged)).toThrow(/x: view \[10, 20\) is outside/);
    expect(() => K().Scale({ handle: {}, offset: 0, length: 1 } as unknown as DeviceArray, 2, s)).toThrow(TypeError);
    expect(() => cu.release(s)).toThrow(/whole allocation/);
    cu.release(c);
    expect(() => cu.fill(c, 0)).toThrow(/released/);
    cu.emptyCache();
    expect(cu.memory().pooled).toBe(0);
  });
});
