// Row-wise softmax and log-softmax over the last axis, and their backward. One thread owns whole
// rows (a row stays in L1 across the passes): max, then exp(x - max) with its sum (Highway's Exp,
// 1 ULP), then the scale (softmax) or the shift by log(sum) (log-softmax). The row tail goes
// through the same vector code on a padded copy, so every element sees the same exp whatever the
// row length. Each pass reads element i before writing it: out may be x, dx may be dy exactly.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "softmax.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "quadra/errors.h"
#include "quadra/layout.h"
#include "quadra/parallel.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

constexpr int64_t kGrain = int64_t(1) << 13;
constexpr size_t kMaxLanes = HWY_MAX_BYTES / sizeof(float);

float RowMax(D d, const float* x, int64_t n) {
  const int64_t N = hn::Lanes(d);
  V m0 = hn::Set(d, -std::numeric_limits<float>::infinity()), m1 = m0;
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    m0 = hn::Max(m0, hn::LoadU(d, x + i));
    m1 = hn::Max(m1, hn::LoadU(d, x + i + N));
  }
  float m = hn::GetLane(hn::MaxOfLanes(d, hn::Max(m0, m1)));
  for (; i < n; ++i) m = std::max(m, x[i]);
  return m;
}

// exp(x - mx) over the row: stored to y when `store`; returns the sum.
float ExpSum(D d, const float* x, int64_t n, float mx, float* y, bool store) {
  const int64_t N = hn::Lanes(d);
  const V vm = hn::Set(d, mx);
  V s0 = hn::Zero(d), s1 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const V e0 = hn::Exp(d, hn::Sub(hn::LoadU(d, x + i), vm));
    const V e1 = hn::Exp(d, hn::Sub(hn::LoadU(d, x + i + N), vm));
    if (store) {
      hn::StoreU(e0, d, y + i);
      hn::StoreU(e1, d, y + i + N);
    }
    s0 = hn::Add(s0, e0);
    s1 = hn::Add(s1, e1);
  }
  float s = hn::GetLane(hn::SumOfLanes(d, hn::Add(s0, s1)));
  while (i < n) {
    HWY_ALIGN float buf[kMaxLanes];
    const int64_t r = std::min<int64_t>(N, n - i);
    for (int64_t c = 0; c < N; ++c) buf[c] = c < r ? x[i + c] : mx;
    hn::Store(hn::Exp(d, hn::Sub(hn::Load(d, buf), vm)), d, buf);
    for (int64_t c = 0; c < r; ++c) {
      if (store) y[i + c] = buf[c];
      s += buf[c];
    }
    i += r;
  }
  return s;
}

void SoftmaxImpl(int64_t rows, int64_t cols, const float* x, float* out, bool log) {
  const int threads = PlanThreads(rows * cols, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const D d;
    const int64_t N = hn::Lanes(d);
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * cols;
      float* yr = out + r * cols;
      const float mx = RowMax(d, xr, cols);
      const float s = ExpSum(d, xr, cols, mx, yr, !log);
      int64_t i = 0;
      if (log) {
        // (x - max) - log(sum): the shift keeps its precision when max is large.
        const float ls = std::log(s);
        const V vm = hn::Set(d, mx), vl = hn::Set(d, ls);
        for (; i + N <= cols; i += N) hn::StoreU(hn::Sub(hn::Sub(hn::LoadU(d, xr + i), vm), vl), d, yr + i);
        for (; i < cols; ++i) yr[i] = (xr[i] - mx) - ls;
      } else {
        const float inv = 1.0f / s;
        const V vi = hn::Set(d, inv);
        for (; i + N <= cols; i += N) hn::StoreU(hn::Mul(hn::LoadU(d, yr + i), vi), d, yr + i);
        for (; i < cols; ++i) yr[i] *= inv;
      }
    }
  }
}

// softmax: dx = y (dy - sum(dy y)); log-softmax: dx = dy - exp(y) sum(dy).
void SoftmaxBackwardImpl(int64_t rows, int64_t cols, const float* y, const float* dy, float* dx, bool log) {
  const int threads = PlanThreads(rows * cols, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const D d;
    const int64_t N = hn::Lanes(d);
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    for (int64_t r = r0; r < r1; ++r) {
      const float* yr = y + r * cols;
      const float* gr = dy + r * cols;
      float* dr = dx + r * cols;
      V acc = hn::Zero(d);
      int64_t i = 0;
      if (log) {
        for (; i + N <= cols; i += N) acc = hn::Add(acc, hn::LoadU(d, gr + i));
      } else {
        for (; i + N <= cols; i += N) acc = hn::MulAdd(hn::LoadU(d, gr + i), hn::LoadU(d, yr + i), acc);
      }
      float s = hn::GetLane(hn::SumOfLanes(d, acc));
      for (; i < cols; ++i) s += log ? gr[i] : gr[i] * yr[i];
      const V vs = hn::Set(d, s);
      i = 0;
      if (log) {
        for (; i + N <= cols; i += N) {
          hn::StoreU(hn::NegMulAdd(hn::Exp(d, hn::LoadU(d, yr + i)), vs, hn::LoadU(d, gr + i)), d, dr + i);
        }
        if (i < cols) {
          HWY_ALIGN float buf[kMaxLanes];
          const int64_t rem = cols - i;
          for (int64_t c = 0; c < N; ++c) buf[c] = c < rem ? yr[i + c] : 0.0f;
          hn::Store(hn::Exp(d, hn::Load(d, buf)), d, buf);
          for (int64_t c = 0; c < rem; ++c) dr[i + c] = gr[i + c] - buf[c] * s;
        }
      } else {
        for (; i + N <= cols; i += N) {
          const V yv = hn::LoadU(d, yr + i);
          hn::StoreU(hn::Mul(yv, hn::Sub(hn::LoadU(d, gr + i), vs)), d, dr + i);
        }
        for (; i < cols; ++i) dr[i] = yr[i] * (gr[i] - s);
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(SoftmaxImpl);
HWY_EXPORT(SoftmaxBackwardImpl);

void Softmax(int64_t rows, int64_t cols, const float* x, float* out, bool log) {
  QUADRA_CHECK_ARG(rows >= 0 && cols >= 0, "softmax: rows and cols must be >= 0");
  if (rows > 0 && cols > 0) HWY_DYNAMIC_DISPATCH(SoftmaxImpl)(rows, cols, x, out, log);
}

void SoftmaxGrad(int64_t rows, int64_t cols, const float* y, const float* dy, float* dx, bool log) {
  QUADRA_CHECK_ARG(rows >= 0 && cols >= 0, "softmaxBackward: rows and cols must be >= 0");
  if (rows > 0 && cols > 0) HWY_DYNAMIC_DISPATCH(SoftmaxBackwardImpl)(rows, cols, y, dy, dx, log);
}

}  // namespace quadra
#endif  // HWY_ONCE
