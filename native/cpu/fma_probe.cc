// Measures this machine's fp32 FMA peak: independent multiply-add chains on every thread, with
// the SIMD target the kernels use. Benchmarks divide achieved GFLOP/s by this floor.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fma_probe.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Runs `iters` rounds of 12 independent FMA chains (enough to cover latency x 2 pipes) and
// returns the number of floating-point operations done.
double FmaChains(int64_t iters, float* sink) {
  const hn::ScalableTag<float> d;
  const auto m = hn::Set(d, 0.999999f);
  const auto a = hn::Set(d, 1e-7f);
  auto v0 = hn::Set(d, 1.0f), v1 = hn::Set(d, 1.1f), v2 = hn::Set(d, 1.2f), v3 = hn::Set(d, 1.3f);
  auto v4 = hn::Set(d, 1.4f), v5 = hn::Set(d, 1.5f), v6 = hn::Set(d, 1.6f), v7 = hn::Set(d, 1.7f);
  auto v8 = hn::Set(d, 1.8f), v9 = hn::Set(d, 1.9f), v10 = hn::Set(d, 2.0f), v11 = hn::Set(d, 2.1f);
  for (int64_t i = 0; i < iters; ++i) {
    v0 = hn::MulAdd(v0, m, a); v1 = hn::MulAdd(v1, m, a); v2 = hn::MulAdd(v2, m, a);
    v3 = hn::MulAdd(v3, m, a); v4 = hn::MulAdd(v4, m, a); v5 = hn::MulAdd(v5, m, a);
    v6 = hn::MulAdd(v6, m, a); v7 = hn::MulAdd(v7, m, a); v8 = hn::MulAdd(v8, m, a);
    v9 = hn::MulAdd(v9, m, a); v10 = hn::MulAdd(v10, m, a); v11 = hn::MulAdd(v11, m, a);
  }
  auto s = hn::Add(hn::Add(hn::Add(v0, v1), hn::Add(v2, v3)), hn::Add(hn::Add(v4, v5), hn::Add(v6, v7)));
  s = hn::Add(s, hn::Add(hn::Add(v8, v9), hn::Add(v10, v11)));
  *sink = hn::GetLane(hn::SumOfLanes(d, s));
  return double(iters) * 12.0 * 2.0 * double(hn::Lanes(d));
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <omp.h>

#include <algorithm>
#include <chrono>

#include "quadra/kernels.h"

namespace quadra {

HWY_EXPORT(FmaChains);

double FmaPeakGflops(double seconds) {
  const int threads = NumThreads();
  float sink[256] = {};
  // Calibrate the iteration count on one thread, then run all threads together; best of 3.
  int64_t iters = 1 << 16;
  for (;;) {
    auto t0 = std::chrono::steady_clock::now();
    HWY_DYNAMIC_DISPATCH(FmaChains)(iters, &sink[0]);
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (dt > seconds / 6 || iters > (int64_t(1) << 40)) break;
    iters *= 2;
  }
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    double flops = 0;
    auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : flops)
    flops += HWY_DYNAMIC_DISPATCH(FmaChains)(iters, &sink[(omp_get_thread_num() % 16) * 16]);
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, flops / dt * 1e-9);
  }
  return best;
}

}  // namespace quadra
#endif  // HWY_ONCE
