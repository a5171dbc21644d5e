// The focused check a prebuild must pass wherever it runs (natively, under qemu-x86_64 with older
// CPU models, under qemu-aarch64): it must load the prebuilt module (not a source build), and its
// kernels must agree with the plain-TypeScript references on seeded shapes that straddle the SIMD
// widths, and a small QuadraNet's forward on the native backend must match the reference backend.
// Run it from a project that has @quadranet/lib, core and models installed. Prints one JSON line.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

import * as lib from '@quadranet/lib';
import * as ref from '@quadranet/lib/reference';
import { manualSeed, noGrad, randn, setBackend } from '@quadranet/core';
import { QuadraNet } from '@quadranet/models';

const require = createRequire(import.meta.url);
const failures = [];
let checks = 0;

function rand(n, seed) {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

function relErr(a, b) {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

function expectClose(name, got, want, tol) {
  checks++;
  const e = relErr(got, want);
  if (!(e <= tol)) failures.push(`${name}: relative error ${e.toExponential(2)} > ${tol}`);
}

const libRoot = dirname(require.resolve('@quadranet/lib/package.json'));
// The file node-gyp-build picks, resolved as @quadranet/lib resolves it (pnpm does not hoist it).
const binary = createRequire(`${libRoot}/package.json`)('node-gyp-build').path(libRoot);
const info = lib.info();
if (info.backend !== 'native') failures.push(`backend is ${info.backend}: ${info.nativeError}`);
if (!binary.includes('/prebuilds/')) failures.push(`loaded ${binary}, not a prebuild`);

for (const [c, k, h, w] of [[1, 3, 5, 4], [7, 5, 6, 7], [8, 7, 9, 5], [17, 7, 7, 8], [24, 7, 6, 5], [65, 3, 4, 6]]) {
  const shape = { n: 2, h, w, c };
  const x = rand(2 * h * w * c, c * 7 + k);
  const wt = { wa: rand(k * k * c, 1 + c), ba: rand(c, 2 + c), wb: rand(k * k * c, 3 + c), bb: rand(c, 4 + c), wc: rand(k * k * c, 5 + c), bc: rand(c, 6 + c) };
  expectClose(`quadconv2d C=${c} k=${k}`, lib.quadconv2d(x, shape, wt, k), ref.quadconv2dRef(x, shape, wt, k), 1e-5);
  const dy = rand(x.length, 99 + c);
  const g = lib.quadconv2dBackward(x, shape, wt, k, dy);
  const gr = ref.quadconv2dBackwardRef(x, shape, wt, k, dy);
  for (const key of ['dx', 'dwa', 'dwb', 'dwc', 'dba']) expectClose(`quadconv2dBackward.${key} C=${c}`, g[key], gr[key], 1e-4);
  // The plain depthwise backward shares the gradient pass (channel-blocked dW partials).
  const dg = lib.dwconv2dBackward(x, shape, { w: wt.wa, b: wt.ba }, k, dy);
  const dr = ref.dwconv2dBackwardRef(x, shape, { w: wt.wa, b: wt.ba }, k, dy);
  for (const key of ['dx', 'dw', 'db']) expectClose(`dwconv2dBackward.${key} C=${c}`, dg[key], dr[key], 1e-4);
}
{
  // Drop path folded into the residual: per-sample factors, one sample dropped.
  const rows = 6, cols = 19, x = rand(rows * cols, 41), z = rand(rows * cols, 42), gamma = rand(cols, 43), dy = rand(rows * cols, 44);
  const s = Float32Array.of(1.25, 0, 1.25);
  const want = new Float32Array(rows * cols);
  ref.scaleAddRef(x, z, gamma, cols, want, s);
  expectClose('scaleAdd with sampleScale', lib.scaleAdd(x, z, gamma, cols, undefined, s), want, 1e-6);
  const dz = new Float32Array(rows * cols), dgamma = new Float32Array(cols);
  ref.scaleAddBackwardRef(z, gamma, dy, cols, dz, dgamma, s);
  const g = lib.scaleAddBackward(z, gamma, dy, cols, { sampleScale: s });
  expectClose('scaleAddBackward.dz with sampleScale', g.dz, dz, 1e-6);
  expectClose('scaleAddBackward.dgamma with sampleScale', g.dgamma, dgamma, 1e-5);
}
for (const [m, n, kk] of [[1, 1, 1], [7, 9, 17], [33, 65, 15], [64, 48, 130]]) {
  const a = rand(m * kk, m), b = rand(kk * n, n);
  const want = new Float32Array(m * n);
  ref.gemmRef(a, b, want, { m, n, k: kk });
  expectClose(`gemm ${m}x${n}x${kk}`, lib.gemm(a, b, undefined, { m, n, k: kk }), want, 1e-5);
}
{
  const x = rand(4 * 9 * 17, 5);
  const want = new Float32Array(x.length);
  ref.geluRef(x, want);
  expectClose('gelu', lib.gelu(x), want, 1e-5);
}

// GELU's backward with the bias gradient in one pass, and the packed inference linear with its
// GELU (our pass after the GEMM on x86-64, a plain pass on arm64) and its residual.
for (const [rows, cols] of [[37, 24], [70, 130]]) {
  const h = rand(rows * cols, rows), dy = rand(rows * cols, cols);
  const dh = new Float32Array(rows * cols), db = new Float32Array(cols);
  ref.biasGeluBackwardRef(h, dy, cols, dh, db);
  const got = lib.biasGeluBackward(h, dy, cols);
  expectClose(`biasGeluBackward.dh ${rows}x${cols}`, got.dh, dh, 1e-5);
  expectClose(`biasGeluBackward.db ${rows}x${cols}`, got.db, db, 1e-5);
}
for (const [rows, inF, outF] of [[5, 24, 96], [130, 40, 160]]) {
  const d = { rows, inFeatures: inF, outFeatures: outF };
  const x = rand(rows * inF, inF), w = rand(outF * inF, outF), b = rand(outF, 3), res = rand(rows * outF, 4);
  const packed = lib.packLinear(w, d);
  for (const [act, residual] of [['gelu', undefined], ['none', res], ['gelu', res]]) {
    const want = new Float32Array(rows * outF);
    ref.linearPackedRef(x, w, b, d, act, residual, want);
    expectClose(`linearPacked ${rows}x${inF}->${outF} ${act}${residual ? ' +residual' : ''}`, lib.linearPacked(x, packed, b, d, { act, residual }), want, 1e-5);
  }
}

// A small QuadraNet forward, native against the reference backend (layer scale 1 so the blocks count).
manualSeed(7);
const net = new QuadraNet({ depths: [1, 1], dims: [8, 16], numClasses: 10, inChannels: 3, layerScaleInit: 1 });
net.eval();
const x = randn([2, 32, 32, 3]);
const yNative = noGrad(() => net.forward(x)).data().slice();
setBackend('ref');
const yRef = noGrad(() => net.forward(x)).data().slice();
setBackend('cpu');
expectClose('QuadraNet forward', yNative, yRef, 1e-4);

// The CUDA module, where the prebuild carries one: it loads on request and says whether a GPU is
// usable and why not; it never crashes the process (this runs on machines without a GPU too).
let cuda = null;
if (existsSync(`${dirname(binary)}/cuda/quadra_cuda.node`)) {
  checks++;
  if (typeof lib.cudaStatus !== 'function') failures.push('a CUDA module ships but @quadranet/lib has no cudaStatus()');
  else {
    cuda = lib.cudaStatus();
    if (typeof cuda.reason !== 'string' || (!cuda.available && !/CUDA unavailable|driver|device/i.test(cuda.reason))) failures.push(`cudaStatus(): ${JSON.stringify(cuda)}`);
  }
}

// The collectives module, where the prebuild carries one (linux-x64 with Gloo bundled): a process
// group of one joins through our rendezvous store and an allreduce leaves its buffer as it was.
let collectives = null;
if (existsSync(`${dirname(binary)}/collectives/quadra_collectives.node`)) {
  checks++;
  try {
    const m = lib.loadDist();
    const g = await m.connect({ rank: 0, size: 1, masterAddr: '127.0.0.1', masterPort: 20000 + (process.pid % 20000), timeoutMs: 10000 });
    const a = Float32Array.of(1, 2, 3);
    await g.allreduce(a);
    g.close();
    collectives = m.backend;
    if (a.join() !== '1,2,3') failures.push(`collectives: allreduce in a group of one changed the buffer to ${a.join()}`);
  } catch (err) {
    failures.push(`collectives: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const summary = { platform: `${process.platform}-${process.arch}`, binary, simd: info.simd, convSimd: info.convSimd, gemm: info.gemm, cuda, collectives, checks, failures };
console.log(JSON.stringify(summary));
process.exit(failures.length ? 1 : 0);
