// Quick timings of the dense kernels through @quadranet/lib (build it first: pnpm run build:native
// and tsc -b). Best of N, outputs reused, 2 threads unless QUADRA_NUM_THREADS says otherwise.
//   node native/dev/dense_timing.mjs
import {
  allocFloat32, binary, biasGelu, fmaPeakGflops, gelu, geluBackward, gemm, info, layerNorm, layerNormBackward, linear,
  linearBackward, setThreads,
} from '../../packages/quadra-lib/dist/index.js';

const rand = (n) => { const a = allocFloat32(n); for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1; return a; };
function best(f, reps = 15) {
  f();
  let b = Infinity;
  for (let i = 0; i < reps; i++) { const t = performance.now(); f(); b = Math.min(b, performance.now() - t); }
  return b;
}
const peak = fmaPeakGflops(0.5);
const i = info();
console.log(`${i.simd}, ${i.threads} threads, gemm ${i.gemm}, FMA peak probe ${peak.toFixed(0)} GFLOP/s`);
const fmt = (ms, flop) => `${ms.toFixed(3)} ms  ${(flop / ms / 1e6).toFixed(0)} GFLOP/s (${(100 * flop / ms / 1e6 / peak).toFixed(0)}% of probe)`;

for (const [M, K, N] of [[25088, 64, 256], [25088, 256, 64]]) {
  const x = rand(M * K), w = rand(N * K), b = rand(N), y = allocFloat32(M * N), dy = rand(M * N);
  const dx = allocFloat32(M * K), dw = allocFloat32(N * K), db = allocFloat32(N);
  const flop = 2 * M * K * N;
  const dims = { rows: M, inFeatures: K, outFeatures: N };
  console.log(`M x K x N = ${M} x ${K} x ${N}`);
  console.log(`  gemm (x w^T)         ${fmt(best(() => gemm(x, w, y, { m: M, n: N, k: K, transB: true })), flop)}`);
  console.log(`  linear + bias        ${fmt(best(() => linear(x, w, b, dims, { out: y })), flop)}`);
  console.log(`  linearBackward dx    ${fmt(best(() => linearBackward(x, w, dy, dims, { dx, dw: null, db: null })), flop)}`);
  console.log(`  linearBackward dw+db ${fmt(best(() => linearBackward(x, w, dy, dims, { dx: null, dw, db })), flop)}`);
  setThreads(1);
  const one = best(() => gemm(x, w, y, { m: M, n: N, k: K, transB: true }));
  setThreads(0);
  console.log(`  gemm on 1 thread     ${fmt(one, flop)}  (setThreads reaches oneDNN)`);
}

for (const cols of [64, 256]) {
  const rows = 25088, n = rows * cols;
  const x = rand(n), g = rand(cols), bt = rand(cols), dy = rand(n), y = allocFloat32(n), mean = allocFloat32(rows), rstd = allocFloat32(rows);
  const dx = allocFloat32(n), dg = allocFloat32(cols), dbt = allocFloat32(cols), h = rand(n), out = allocFloat32(n);
  const mb = (n * 4) / 1e6;
  console.log(`rows ${rows} cols ${cols} (${mb.toFixed(1)} MB per array)`);
  const ln = best(() => layerNorm(x, rows, cols, g, bt, 1e-6, { out: y, mean, rstd }));
  console.log(`  layerNorm            ${ln.toFixed(3)} ms  (${((2 * mb) / ln).toFixed(1)} GB/s of x+y)`);
  const lnb = best(() => layerNormBackward(x, rows, cols, g, mean, rstd, dy, { dx, dgamma: dg, dbeta: dbt }));
  console.log(`  layerNormBackward    ${lnb.toFixed(3)} ms  (${((3 * mb) / lnb).toFixed(1)} GB/s of x+dy+dx)`);
  const ge = best(() => gelu(x, { out: y }));
  console.log(`  gelu                 ${ge.toFixed(3)} ms  (${((2 * mb) / ge).toFixed(1)} GB/s)`);
  const geb = best(() => geluBackward(x, dy, { out: dx }));
  console.log(`  geluBackward         ${geb.toFixed(3)} ms  (${((3 * mb) / geb).toFixed(1)} GB/s)`);
  // biasGelu adds the bias into h each call; the values drift, which does not matter for timing.
  const bg = best(() => biasGelu(h, bt, cols, { out }));
  const sep = best(() => { binary('add', h, bt, h, 'row'); gelu(h, { out }); });
  console.log(`  biasGelu (fused)     ${bg.toFixed(3)} ms   separate add + gelu ${sep.toFixed(3)} ms  (${(sep / bg).toFixed(2)}x)`);
}
