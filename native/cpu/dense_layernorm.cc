// Layer norm over the last axis, fused: one thread owns whole rows. A row (<= a few KB) stays in
// L1 across the passes: mean (of the row shifted by its first element), then the centred sum of squares (two-pass variance: no cancellation
// of E[x^2] - mean^2), then the output. The backward keeps per-thread dgamma/dbeta partials,
// flushed from a block accumulator every kBlockRows rows to bound float rounding growth.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dense_layernorm.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cmath>
#include <cstring>

#include "quadra/dense.h"
#include "quadra/errors.h"
#include "quadra/parallel.h"
#include "quadra/scratch.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr int64_t kBlockRows = 64;

// sum (p[i] - shift). Shifting by a sample of the row (its first element) keeps the partial sums
// small when the row's mean is large against its spread, so the mean keeps its precision.
float ShiftedSum(const float* p, int64_t n, float shift) {
  const hn::ScalableTag<float> d;
  const int64_t N = hn::Lanes(d);
  const auto vs = hn::Set(d, shift);
  auto s0 = hn::Zero(d), s1 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    s0 = hn::Add(s0, hn::Sub(hn::LoadU(d, p + i), vs));
    s1 = hn::Add(s1, hn::Sub(hn::LoadU(d, p + i + N), vs));
  }
  if (i + N <= n) {
    s0 = hn::Add(s0, hn::Sub(hn::LoadU(d, p + i), vs));
    i += N;
  }
  float s = hn::GetLane(hn::SumOfLanes(d, hn::Add(s0, s1)));
  for (; i < n; ++i) s += p[i] - shift;
  return s;
}

// Centred values are formed as (p[i] - shift) - dmean with mean = shift + dmean: p[i] - shift is
// exact for nearby values, so the float rounding of mean itself does not enter.
// Returns sum ((p[i] - shift) - dmean)^2.
float CentredSquares(const float* p, int64_t n, float shift, float dmean) {
  const hn::ScalableTag<float> d;
  const int64_t N = hn::Lanes(d);
  const auto vs = hn::Set(d, shift), vm = hn::Set(d, dmean);
  auto s0 = hn::Zero(d), s1 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const auto a = hn::Sub(hn::Sub(hn::LoadU(d, p + i), vs), vm);
    const auto b = hn::Sub(hn::Sub(hn::LoadU(d, p + i + N), vs), vm);
    s0 = hn::MulAdd(a, a, s0);
    s1 = hn::MulAdd(b, b, s1);
  }
  if (i + N <= n) {
    const auto a = hn::Sub(hn::Sub(hn::LoadU(d, p + i), vs), vm);
    s0 = hn::MulAdd(a, a, s0);
    i += N;
  }
  float s = hn::GetLane(hn::SumOfLanes(d, hn::Add(s0, s1)));
  for (; i < n; ++i) {
    const float a = (p[i] - shift) - dmean;
    s += a * a;
  }
  return s;
}

void NormRow(const float* x, int64_t n, float shift, float dmean, float rstd, const float* gamma,
             const float* beta, float* y) {
  const hn::ScalableTag<float> d;
  const int64_t N = hn::Lanes(d);
  const auto vs = hn::Set(d, shift), vm = hn::Set(d, dmean), vr = hn::Set(d, rstd);
  int64_t i = 0;
  for (; i + N <= n; i += N) {
    auto v = hn::Mul(hn::Sub(hn::Sub(hn::LoadU(d, x + i), vs), vm), vr);
    if (gamma) v = hn::Mul(v, hn::LoadU(d, gamma + i));
    if (beta) v = hn::Add(v, hn::LoadU(d, beta + i));
    hn::StoreU(v, d, y + i);
  }
  for (; i < n; ++i) {
    float v = ((x[i] - shift) - dmean) * rstd;
    if (gamma) v *= gamma[i];
    if (beta) v += beta[i];
    y[i] = v;
  }
}

void LayerNormForwardImpl(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* beta,
                          float eps, float* y, float* mean, float* rstd) {
  const int threads = PlanThreads(rows * cols, int64_t(1) << 14);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * cols;
      const float shift = xr[0];
      const float dm = ShiftedSum(xr, cols, shift) / float(cols);
      const float var = CentredSquares(xr, cols, shift, dm) / float(cols);
      const float rs = 1.0f / std::sqrt(var + eps);
      mean[r] = shift + dm;
      rstd[r] = rs;
      NormRow(xr, cols, shift, dm, rs, gamma, beta, y + r * cols);
    }
  }
}

// One row of the backward. With g = dy * gamma and xhat = (x - mean) * rstd:
// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)); dgamma += dy * xhat; dbeta += dy.
void BackwardRow(const float* x, const float* dy, int64_t n, float mean, float rstd, const float* gamma,
                 float* dx, float* dg, float* dbt) {
  const hn::ScalableTag<float> d;
  const int64_t N = hn::Lanes(d);
  const auto vm = hn::Set(d, mean), vr = hn::Set(d, rstd);
  float s1 = 0, s2 = 0;
  if (dx) {
    auto a1 = hn::Zero(d), a2 = hn::Zero(d);
    int64_t i = 0;
    for (; i + N <= n; i += N) {
      auto g = hn::LoadU(d, dy + i);
      if (gamma) g = hn::Mul(g, hn::LoadU(d, gamma + i));
      const auto xh = hn::Mul(hn::Sub(hn::LoadU(d, x + i), vm), vr);
      a1 = hn::Add(a1, g);
      a2 = hn::MulAdd(g, xh, a2);
    }
    s1 = hn::GetLane(hn::SumOfLanes(d, a1));
    s2 = hn::GetLane(hn::SumOfLanes(d, a2));
    for (; i < n; ++i) {
      const float g = gamma ? dy[i] * gamma[i] : dy[i];
      s1 += g;
      s2 += g * ((x[i] - mean) * rstd);
    }
    s1 /= float(n);
    s2 /= float(n);
  }
  const auto vs1 = hn::Set(d, s1), vs2 = hn::Set(d, s2);
  int64_t i = 0;
  for (; i + N <= n; i += N) {
    const auto dyv = hn::LoadU(d, dy + i);
    const auto xh = hn::Mul(hn::Sub(hn::LoadU(d, x + i), vm), vr);
    if (dx) {
      const auto g = gamma ? hn::Mul(dyv, hn::LoadU(d, gamma + i)) : dyv;
      // rstd * (g - s1 - xh * s2)
      hn::StoreU(hn::Mul(vr, hn::NegMulAdd(xh, vs2, hn::Sub(g, vs1))), d, dx + i);
    }
    if (dg) hn::StoreU(hn::MulAdd(dyv, xh, hn::LoadU(d, dg + i)), d, dg + i);
    if (dbt) hn::StoreU(hn::Add(dyv, hn::LoadU(d, dbt + i)), d, dbt + i);
  }
  for (; i < n; ++i) {
    const float xh = (x[i] - mean) * rstd;
    if (dx) {
      const float g = gamma ? dy[i] * gamma[i] : dy[i];
      dx[i] = rstd * (g - s1 - xh * s2);
    }
    if (dg) dg[i] += dy[i] * xh;
    if (dbt) dbt[i] += dy[i];
  }
}

void AddInto(float* acc, float* block, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    acc[i] += block[i];
    block[i] = 0.0f;
  }
}

void LayerNormBackwardImpl(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* mean,
                           const float* rstd, const float* dy, float* dx, float* dgamma, float* dbeta) {
  const int threads = PlanThreads(rows * cols, int64_t(1) << 14);
  const bool params = dgamma || dbeta;
  // Per thread: [dgamma sums, dbeta sums, dgamma block, dbeta block], cols each.
  float* scratch = params ? Scratch(kScratchPartials, size_t(threads) * 4 * size_t(cols)) : nullptr;
  int used = threads;
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    float *dg = nullptr, *dbt = nullptr, *bg = nullptr, *bb = nullptr;
    if (params) {
      float* mine = scratch + int64_t(omp_get_thread_num()) * 4 * cols;
      std::memset(mine, 0, size_t(4 * cols) * sizeof(float));
      dg = mine;
      dbt = mine + cols;
      bg = dgamma ? mine + 2 * cols : nullptr;
      bb = dbeta ? mine + 3 * cols : nullptr;
    }
    for (int64_t r = r0; r < r1; ++r) {
      BackwardRow(x + r * cols, dy + r * cols, cols, mean[r], rstd[r], gamma, dx ? dx + r * cols : nullptr, bg,
                  bb);
      if (params && ((r - r0) % kBlockRows == kBlockRows - 1 || r == r1 - 1)) {
        if (bg) AddInto(dg, bg, cols);
        if (bb) AddInto(dbt, bb, cols);
      }
    }
#pragma omp single
    used = omp_get_num_threads();
  }
  if (!params) return;
  for (int64_t c = 0; c < cols; ++c) {
    float sg = 0, sb = 0;
    for (int t = 0; t < used; ++t) {
      sg += scratch[int64_t(t) * 4 * cols + c];
      sb += scratch[int64_t(t) * 4 * cols + cols + c];
    }
    if (dgamma) dgamma[c] = sg;
    if (dbeta) dbeta[c] = sb;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(LayerNormForwardImpl);
HWY_EXPORT(LayerNormBackwardImpl);

void LayerNorm(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* beta,
                      float eps, float* y, float* mean, float* rstd) {
  QUADRA_CHECK_ARG(rows >= 1 && cols >= 1, "layerNorm: rows and cols must be positive");
  QUADRA_CHECK_ARG(eps >= 0.0f && std::isfinite(eps), "layerNorm: eps must be a finite number >= 0");
  HWY_DYNAMIC_DISPATCH(LayerNormForwardImpl)(rows, cols, x, gamma, beta, eps, y, mean, rstd);
}

void LayerNormGrad(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* mean,
                       const float* rstd, const float* dy, float* dx, float* dgamma, float* dbeta) {
  QUADRA_CHECK_ARG(rows >= 1 && cols >= 1, "layerNormBackward: rows and cols must be positive");
  HWY_DYNAMIC_DISPATCH(LayerNormBackwardImpl)(rows, cols, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
}

}  // namespace quadra
#endif  // HWY_ONCE
