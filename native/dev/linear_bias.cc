// Scratch timing: three ways to add the bias of a linear layer on x86-64 / oneDNN.
//   A: pre-fill y with the bias rows, dnnl_sgemm with beta = 1   (what LinearForward does)
//   B: oneDNN's matmul primitive with a fused bias (primitive created once, as a cache would)
//   C: dnnl_sgemm with beta = 0, then a separate bias pass
// Build (after `pnpm run build:native` in packages/quadra-lib):
//   g++ -O2 -std=c++17 -fopenmp -I../include linear_bias.cc ../../packages/quadra-lib/build/libquadra_cpu.a \
//       -ldnnl -lhwy -o /tmp/linear_bias && /tmp/linear_bias
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <omp.h>
#include <vector>

#include "oneapi/dnnl/dnnl.h"
#include "quadra/dense.h"
#include "quadra/kernels.h"

#define CHECK(x)                                                      \
  do {                                                                \
    if ((x) != dnnl_success) { std::printf("failed: %s\n", #x); return; } \
  } while (0)

template <class F>
double BestMs(F&& f, int reps = 20) {
  f();
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

void Run(int64_t M, int64_t K, int64_t N, double peak) {
  std::vector<float> x(M * K), w(N * K), b(N), y(M * N), y2(M * N);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float((i * 7919) % 1000) / 1000.0f - 0.5f;
  for (size_t i = 0; i < w.size(); ++i) w[i] = float((i * 104729) % 1000) / 1000.0f - 0.5f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = float(i % 17) * 0.1f;
  const double gflop = 2.0 * M * K * N * 1e-9;
  const quadra::LinearDims d{M, K, N};

  const double a = BestMs([&] { quadra::LinearForward(d, x.data(), w.data(), b.data(), y.data()); });
  const double nobias = BestMs([&] { quadra::LinearForward(d, x.data(), w.data(), nullptr, y.data()); });
  const double c = BestMs([&] {
    quadra::LinearForward(d, x.data(), w.data(), nullptr, y2.data());
    quadra::BinaryRow(quadra::BinaryOp::kAdd, M, N, y2.data(), b.data(), y2.data());
  });

  // D: each thread takes its own row blocks; per block, pre-fill the bias (the block of y stays in
  // L2) and run a single-threaded sgemm with beta = 1 on it.
  auto blocked = [&](int64_t blk) {
    return BestMs([&] {
#pragma omp parallel num_threads(quadra::NumThreads())
      {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const int64_t r0 = M * t / nt, r1 = M * (t + 1) / nt;
        for (int64_t r = r0; r < r1; r += blk) {
          const int64_t m = std::min(blk, r1 - r);
          for (int64_t i = r; i < r + m; ++i) std::memcpy(y.data() + i * N, b.data(), N * sizeof(float));
          dnnl_sgemm('N', 'T', m, N, K, 1.0f, x.data() + r * K, K, w.data(), K, 1.0f, y.data() + r * N, N);
        }
      }
    });
  };
  const double d128 = blocked(128), d512 = blocked(512), d2k = blocked(2048);

  dnnl_engine_t eng;
  CHECK(dnnl_engine_create(&eng, dnnl_cpu, 0));
  dnnl_stream_t st;
  CHECK(dnnl_stream_create(&st, eng, dnnl_stream_default_flags));
  dnnl_memory_desc_t src_md, wei_md, bias_md, dst_md;
  dnnl_dims_t sd = {M, K}, wd = {K, N}, bd = {1, N}, dd = {M, N};
  CHECK(dnnl_memory_desc_init_by_tag(&src_md, 2, sd, dnnl_f32, dnnl_ab));
  CHECK(dnnl_memory_desc_init_by_tag(&wei_md, 2, wd, dnnl_f32, dnnl_ba));  // w is [N, K] row-major
  CHECK(dnnl_memory_desc_init_by_tag(&bias_md, 2, bd, dnnl_f32, dnnl_ab));
  CHECK(dnnl_memory_desc_init_by_tag(&dst_md, 2, dd, dnnl_f32, dnnl_ab));
  dnnl_matmul_desc_t mm;
  CHECK(dnnl_matmul_desc_init(&mm, &src_md, &wei_md, &bias_md, &dst_md));
  dnnl_primitive_desc_t pd;
  CHECK(dnnl_primitive_desc_create(&pd, &mm, nullptr, eng, nullptr));
  const char* impl = nullptr;
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  dnnl_primitive_t prim;
  CHECK(dnnl_primitive_create(&prim, pd));
  dnnl_memory_t ms, mw, mb, md;
  CHECK(dnnl_memory_create(&ms, &src_md, eng, x.data()));
  CHECK(dnnl_memory_create(&mw, &wei_md, eng, w.data()));
  CHECK(dnnl_memory_create(&mb, &bias_md, eng, b.data()));
  CHECK(dnnl_memory_create(&md, &dst_md, eng, y2.data()));
  dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, ms}, {DNNL_ARG_WEIGHTS, mw}, {DNNL_ARG_BIAS, mb}, {DNNL_ARG_DST, md}};
  const double bm = BestMs([&] {
    dnnl_primitive_execute(prim, st, 4, args);
    dnnl_stream_wait(st);
  });
  quadra::LinearForward(d, x.data(), w.data(), b.data(), y.data());
  double maxdiff = 0;
  for (size_t i = 0; i < y.size(); ++i) maxdiff = std::max(maxdiff, double(std::abs(y[i] - y2[i])));

  std::printf("M=%lld K=%lld N=%lld (%d threads, peak %.0f GFLOP/s)\n", (long long)M, (long long)K, (long long)N,
              quadra::NumThreads(), peak);
  std::printf("  no bias (sgemm)            %7.3f ms  %6.1f GFLOP/s  %4.1f%% of peak\n", nobias, gflop / nobias * 1e3, 100 * gflop / nobias * 1e3 / peak);
  std::printf("  A prefill + sgemm beta=1   %7.3f ms  %6.1f GFLOP/s  %4.1f%%\n", a, gflop / a * 1e3, 100 * gflop / a * 1e3 / peak);
  std::printf("  B matmul primitive + bias  %7.3f ms  %6.1f GFLOP/s  %4.1f%%  (%s)\n", bm, gflop / bm * 1e3, 100 * gflop / bm * 1e3 / peak, impl ? impl : "?");
  std::printf("  C sgemm + separate bias    %7.3f ms  %6.1f GFLOP/s  %4.1f%%\n", c, gflop / c * 1e3, 100 * gflop / c * 1e3 / peak);
  std::printf("  D blocked 128/512/2048 rows  %.3f / %.3f / %.3f ms  best %6.1f GFLOP/s\n", d128, d512, d2k,
              gflop / std::min({d128, d512, d2k}) * 1e3);
  std::printf("  max |A - B| = %g\n", maxdiff);
  dnnl_primitive_destroy(prim);
  dnnl_primitive_desc_destroy(pd);
  for (auto m : {ms, mw, mb, md}) dnnl_memory_destroy(m);
  dnnl_stream_destroy(st);
  dnnl_engine_destroy(eng);
}

int main() {
  const double peak = quadra::FmaPeakGflops(0.3);
  Run(25088, 64, 256, peak);
  Run(25088, 256, 64, peak);
  Run(3136, 64, 256, peak);
  return 0;
}
