// GELU, erf form (PyTorch's default): gelu(x) = 0.5 x (1 + erf(x / sqrt 2)), its derivative
// gelu'(x) = Phi(x) + x phi(x), and the fused bias + GELU used by linear -> GELU in training.
//
// erf: Highway 1.0.3 has no Erf, so we evaluate the complementary error function with the
// Chebyshev-fitted form given in Press, Teukolsky, Vetterling & Flannery, "Numerical Recipes"
// (2nd ed., section 6.2, function erfcc):
//   erfc(z) ~= t exp(-z^2 + P(t)),  t = 1 / (1 + z/2),  z >= 0,  P a degree-9 polynomial,
// whose *fractional* error is below 1.2e-7 for every z >= 0 (so erf's absolute error is below
// 1.2e-7 plus float rounding). For x < 0 we use 1 + erf(x/sqrt2) = erfc(|x|/sqrt2) directly, which
// keeps GELU's small negative tail accurate to ~1e-6 relative (no 1 - erfc cancellation).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "elementwise_gelu.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cstring>

#include "quadra/dense.h"
#include "quadra/errors.h"
#include "quadra/parallel.h"
#include "quadra/scratch.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

// Enough for the widest vector any target has (SVE's 2048 bits).
constexpr int kMaxLanes = 64;

// 1 + erf(x / sqrt 2) from the erfc form: accurate to ~1e-6 relative in the far negative tail.
HWY_INLINE V TwicePhiTail(D d, V x) {
  const V one = hn::Set(d, 1.0f);
  const V z = hn::Mul(hn::Abs(x), hn::Set(d, 0.70710678118654752f));
  // (A reciprocal estimate + Newton step instead of the divide measured no faster here.)
  const V t = hn::Div(one, hn::MulAdd(hn::Set(d, 0.5f), z, one));
  V p = hn::Set(d, 0.17087277f);
  p = hn::MulAdd(p, t, hn::Set(d, -0.82215223f));
  p = hn::MulAdd(p, t, hn::Set(d, 1.48851587f));
  p = hn::MulAdd(p, t, hn::Set(d, -1.13520398f));
  p = hn::MulAdd(p, t, hn::Set(d, 0.27886807f));
  p = hn::MulAdd(p, t, hn::Set(d, -0.18628806f));
  p = hn::MulAdd(p, t, hn::Set(d, 0.09678418f));
  p = hn::MulAdd(p, t, hn::Set(d, 0.37409196f));
  p = hn::MulAdd(p, t, hn::Set(d, 1.00002368f));
  p = hn::MulAdd(p, t, hn::Set(d, -1.26551223f));
  const V erfc = hn::Mul(t, hn::Exp(d, hn::NegMulAdd(z, z, p)));  // erfc(|x| / sqrt 2)
  // x >= 0: 2 - erfc; x < 0: erfc.
  return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), erfc, hn::Sub(hn::Set(d, 2.0f), erfc));
}

// Below this x the rational erf's absolute error (~3e-7) would be large relative to Phi(x).
constexpr float kTailStart = -2.5f;

// 1 + erf(x / sqrt 2) with erf(t) ~= t P(t^2) / Q(t^2), t = min(|x| / sqrt 2, 4), P and Q of degree
// 5. The coefficients are our own fit (least squares refined towards minimax on [0, 4] with numpy /
// scipy); max |error| 6e-8 in exact arithmetic, 3.2e-7 evaluated in float32. 12 FMAs and one divide
// instead of the erfc form's divide, 9 FMAs and exp: GELU over 25088 x 256 went 2.6 -> see RESULTS.
HWY_INLINE V TwicePhiFast(D d, V x) {
  const V t = hn::Min(hn::Mul(hn::Abs(x), hn::Set(d, 0.70710678118654752f)), hn::Set(d, 4.0f));
  const V s = hn::Mul(t, t);
  V p = hn::Set(d, 2.01594865e-06f);
  p = hn::MulAdd(p, s, hn::Set(d, 2.86780441e-04f));
  p = hn::MulAdd(p, s, hn::Set(d, 3.88439679e-03f));
  p = hn::MulAdd(p, s, hn::Set(d, 5.31031937e-02f));
  p = hn::MulAdd(p, s, hn::Set(d, 1.93274371e-01f));
  p = hn::MulAdd(p, s, hn::Set(d, 1.12837903e+00f));
  V q = hn::Set(d, 3.78419897e-05f);
  q = hn::MulAdd(q, s, hn::Set(d, 1.19012256e-03f));
  q = hn::MulAdd(q, s, hn::Set(d, 1.52041218e-02f));
  q = hn::MulAdd(q, s, hn::Set(d, 1.15273218e-01f));
  q = hn::MulAdd(q, s, hn::Set(d, 5.04616635e-01f));
  q = hn::MulAdd(q, s, hn::Set(d, 1.0f));
  const V e = hn::Min(hn::Div(hn::Mul(t, p), q), hn::Set(d, 1.0f));  // erf(|x| / sqrt 2)
  const V one = hn::Set(d, 1.0f);
  return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Sub(one, e), hn::Add(one, e));
}

// Returns 1 + erf(x / sqrt 2), that is 2 Phi(x): the rational form, and the erfc form only for
// vectors that hold a lane below kTailStart (about 1 in 10 for unit-normal inputs).
HWY_INLINE V TwicePhi(D d, V x) {
  const auto tail = hn::Lt(x, hn::Set(d, kTailStart));
  const V fast = TwicePhiFast(d, x);
  if (HWY_LIKELY(hn::AllFalse(d, tail))) return fast;
  return hn::IfThenElse(tail, TwicePhiTail(d, x), fast);
}

HWY_INLINE V GeluV(D d, V x) { return hn::Mul(hn::Mul(hn::Set(d, 0.5f), x), TwicePhi(d, x)); }

// dy * (Phi(x) + x phi(x)), phi(x) = exp(-x^2/2) / sqrt(2 pi)
HWY_INLINE V GeluGradV(D d, V x, V dy) {
  const V phi2 = TwicePhi(d, x);
  const V e = hn::Exp(d, hn::Mul(hn::Mul(x, x), hn::Set(d, -0.5f)));
  const V deriv = hn::MulAdd(hn::Mul(x, hn::Set(d, 0.39894228040143268f)), e, hn::Mul(hn::Set(d, 0.5f), phi2));
  return hn::Mul(dy, deriv);
}

void GeluRange(int64_t b, int64_t e, const float* x, float* y) {
  const D d;
  const int64_t N = hn::Lanes(d);
  int64_t i = b;
  for (; i + N <= e; i += N) hn::StoreU(GeluV(d, hn::LoadU(d, x + i)), d, y + i);
  if (i < e) {
    HWY_ALIGN float buf[kMaxLanes] = {};
    const size_t rest = size_t(e - i);
    std::memcpy(buf, x + i, rest * sizeof(float));
    hn::Store(GeluV(d, hn::Load(d, buf)), d, buf);
    std::memcpy(y + i, buf, rest * sizeof(float));
  }
}

void GeluImpl(int64_t n, const float* x, float* y) {
  const int threads = PlanThreads(n, int64_t(1) << 14);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t b, e;
    ThreadRange(n, 16, &b, &e);
    GeluRange(b, e, x, y);
  }
}

// dx = dy * gelu'(x) over [0, n): full vectors, then the tail through a padded vector.
void GeluGradSpan(int64_t n, const float* x, const float* dy, float* dx) {
  const D d;
  const int64_t N = hn::Lanes(d);
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(GeluGradV(d, hn::LoadU(d, x + i), hn::LoadU(d, dy + i)), d, dx + i);
  if (i < n) {
    HWY_ALIGN float bx[kMaxLanes] = {};
    HWY_ALIGN float bd[kMaxLanes] = {};
    const size_t rest = size_t(n - i);
    std::memcpy(bx, x + i, rest * sizeof(float));
    std::memcpy(bd, dy + i, rest * sizeof(float));
    hn::Store(GeluGradV(d, hn::Load(d, bx), hn::Load(d, bd)), d, bx);
    std::memcpy(dx + i, bx, rest * sizeof(float));
  }
}

void GeluBackwardImpl(int64_t n, const float* x, const float* dy, float* dx) {
  const int threads = PlanThreads(n, int64_t(1) << 14);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t b, e;
    ThreadRange(n, 16, &b, &e);
    if (e > b) GeluGradSpan(e - b, x + b, dy + b, dx + b);
  }
}

void BiasGeluImpl(int64_t rows, int64_t cols, float* h, const float* bias, float* y) {
  const int threads = PlanThreads(rows * cols, int64_t(1) << 14);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const D d;
    const int64_t N = hn::Lanes(d);
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    for (int64_t r = r0; r < r1; ++r) {
      float* hr = h + r * cols;
      float* yr = y + r * cols;
      int64_t c = 0;
      for (; c + N <= cols; c += N) {
        const V v = hn::Add(hn::LoadU(d, hr + c), hn::LoadU(d, bias + c));
        hn::StoreU(v, d, hr + c);
        hn::StoreU(GeluV(d, v), d, yr + c);
      }
      if (c < cols) {
        HWY_ALIGN float buf[kMaxLanes] = {};
        for (int64_t j = c; j < cols; ++j) buf[j - c] = hr[j] = hr[j] + bias[j];
        hn::Store(GeluV(d, hn::Load(d, buf)), d, buf);
        std::memcpy(yr + c, buf, size_t(cols - c) * sizeof(float));
      }
    }
  }
}

// dh = dy * gelu'(h) row by row, and db = column sums of dh in the same pass (the MLP's first
// layer: its bias gradient no longer reads dh again). Each thread sums its rows into a block
// accumulator flushed into its partial every kSumBlockRows rows (bounded rounding growth); the
// partials are added at the end.
constexpr int64_t kSumBlockRows = 64;

void BiasGeluBackwardImpl(int64_t rows, int64_t cols, const float* h, const float* dy, float* dh, float* db) {
  const int threads = PlanThreads(rows * cols, int64_t(1) << 14);
  float* partials = db ? Scratch(kScratchPartials, size_t(threads) * 2 * size_t(cols)) : nullptr;
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const D d;
    const int64_t N = hn::Lanes(d);
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    float* mine = db ? partials + size_t(t) * 2 * size_t(cols) : nullptr;
    float* blk = db ? mine + cols : nullptr;
    if (db) std::fill(mine, mine + 2 * cols, 0.0f);
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    for (int64_t r = r0; r < r1; ++r) {
      float* out = dh + r * cols;
      GeluGradSpan(cols, h + r * cols, dy + r * cols, out);
      // the row just written is in L1: summing it here costs no extra pass over memory
      if (db) {
        int64_t c = 0;
        for (; c + N <= cols; c += N) hn::StoreU(hn::Add(hn::LoadU(d, blk + c), hn::LoadU(d, out + c)), d, blk + c);
        for (; c < cols; ++c) blk[c] += out[c];
      }
      if (db && ((r - r0 + 1) % kSumBlockRows == 0 || r + 1 == r1)) {
        for (int64_t j = 0; j < cols; ++j) {
          mine[j] += blk[j];
          blk[j] = 0.0f;
        }
      }
    }
    if (db) {
#pragma omp barrier
#pragma omp for schedule(static)
      for (int64_t j = 0; j < cols; ++j) {
        float acc = 0.0f;
        for (int tt = 0; tt < nt; ++tt) acc += partials[size_t(tt) * 2 * size_t(cols) + size_t(j)];
        db[j] = acc;
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(GeluImpl);
HWY_EXPORT(GeluBackwardImpl);
HWY_EXPORT(BiasGeluImpl);
HWY_EXPORT(BiasGeluBackwardImpl);

void Gelu(int64_t n, const float* x, float* y) {
  QUADRA_CHECK_ARG(n >= 0, "gelu: negative length");
  if (n > 0) HWY_DYNAMIC_DISPATCH(GeluImpl)(n, x, y);
}

void GeluGrad(int64_t n, const float* x, const float* dy, float* dx) {
  QUADRA_CHECK_ARG(n >= 0, "geluBackward: negative length");
  if (n > 0) HWY_DYNAMIC_DISPATCH(GeluBackwardImpl)(n, x, dy, dx);
}

void BiasGelu(int64_t rows, int64_t cols, float* h, const float* bias, float* y) {
  QUADRA_CHECK_ARG(rows >= 1 && cols >= 1, "biasGelu: rows and cols must be positive");
  HWY_DYNAMIC_DISPATCH(BiasGeluImpl)(rows, cols, h, bias, y);
}

void BiasGeluGrad(int64_t rows, int64_t cols, const float* h, const float* dy, float* dh, float* db) {
  QUADRA_CHECK_ARG(rows >= 1 && cols >= 1, "biasGeluBackward: rows and cols must be positive");
  HWY_DYNAMIC_DISPATCH(BiasGeluBackwardImpl)(rows, cols, h, dy, dh, db);
}

}  // namespace quadra
#endif  // HWY_ONCE
