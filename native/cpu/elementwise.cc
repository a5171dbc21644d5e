// Elementwise and broadcast arithmetic: a op b for same-length, row-broadcast ([rows, cols] op
// [cols]) and scalar operands, scale and axpy. Memory-bound: vector body, scalar tail (the same
// IEEE operations, so results do not depend on the SIMD width), two threads only for large arrays.
// Every kernel reads element i before writing element i, so an output may be an input exactly.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "elementwise.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cmath>

#include "quadra/dense.h"
#include "quadra/errors.h"
#include "quadra/parallel.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

constexpr int64_t kGrain = int64_t(1) << 16;

template <BinaryOp kOp>
HWY_INLINE V Apply(V a, V b) {
  if constexpr (kOp == BinaryOp::kAdd) return hn::Add(a, b);
  if constexpr (kOp == BinaryOp::kSub) return hn::Sub(a, b);
  if constexpr (kOp == BinaryOp::kMul) return hn::Mul(a, b);
  return hn::Div(a, b);
}

template <BinaryOp kOp>
HWY_INLINE float Apply1(float a, float b) {
  if constexpr (kOp == BinaryOp::kAdd) return a + b;
  if constexpr (kOp == BinaryOp::kSub) return a - b;
  if constexpr (kOp == BinaryOp::kMul) return a * b;
  return a / b;
}

// out[i] = a[i] op b[i] over [0, n); b_stride 0 broadcasts b[0].
template <BinaryOp kOp>
HWY_INLINE void Run(int64_t n, const float* a, const float* b, float* out) {
  const D d;
  const int64_t N = hn::Lanes(d);
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(Apply<kOp>(hn::LoadU(d, a + i), hn::LoadU(d, b + i)), d, out + i);
  for (; i < n; ++i) out[i] = Apply1<kOp>(a[i], b[i]);
}

template <BinaryOp kOp>
HWY_INLINE void RunScalar(int64_t n, const float* a, float s, float* out) {
  const D d;
  const int64_t N = hn::Lanes(d);
  const V vs = hn::Set(d, s);
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(Apply<kOp>(hn::LoadU(d, a + i), vs), d, out + i);
  for (; i < n; ++i) out[i] = Apply1<kOp>(a[i], s);
}

template <BinaryOp kOp>
void SameT(int64_t n, const float* a, const float* b, float* out) {
  const int threads = PlanThreads(n, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t s, e;
    ThreadRange(n, 16, &s, &e);
    Run<kOp>(e - s, a + s, b + s, out + s);
  }
}

template <BinaryOp kOp>
void RowT(int64_t rows, int64_t cols, const float* a, const float* b, float* out) {
  const int threads = PlanThreads(rows * cols, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    for (int64_t r = r0; r < r1; ++r) Run<kOp>(cols, a + r * cols, b, out + r * cols);
  }
}

template <BinaryOp kOp>
void ScalarT(int64_t n, const float* a, float s, float* out) {
  const int threads = PlanThreads(n, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t b, e;
    ThreadRange(n, 16, &b, &e);
    RunScalar<kOp>(e - b, a + b, s, out + b);
  }
}

void BinarySameImpl(BinaryOp op, int64_t n, const float* a, const float* b, float* out) {
  switch (op) {
    case BinaryOp::kAdd: return SameT<BinaryOp::kAdd>(n, a, b, out);
    case BinaryOp::kSub: return SameT<BinaryOp::kSub>(n, a, b, out);
    case BinaryOp::kMul: return SameT<BinaryOp::kMul>(n, a, b, out);
    case BinaryOp::kDiv: return SameT<BinaryOp::kDiv>(n, a, b, out);
  }
}

void BinaryRowImpl(BinaryOp op, int64_t rows, int64_t cols, const float* a, const float* b, float* out) {
  switch (op) {
    case BinaryOp::kAdd: return RowT<BinaryOp::kAdd>(rows, cols, a, b, out);
    case BinaryOp::kSub: return RowT<BinaryOp::kSub>(rows, cols, a, b, out);
    case BinaryOp::kMul: return RowT<BinaryOp::kMul>(rows, cols, a, b, out);
    case BinaryOp::kDiv: return RowT<BinaryOp::kDiv>(rows, cols, a, b, out);
  }
}

void BinaryScalarImpl(BinaryOp op, int64_t n, const float* a, float s, float* out) {
  switch (op) {
    case BinaryOp::kAdd: return ScalarT<BinaryOp::kAdd>(n, a, s, out);
    case BinaryOp::kSub: return ScalarT<BinaryOp::kSub>(n, a, s, out);
    case BinaryOp::kMul: return ScalarT<BinaryOp::kMul>(n, a, s, out);
    case BinaryOp::kDiv: return ScalarT<BinaryOp::kDiv>(n, a, s, out);
  }
}

void AxpyImpl(int64_t n, float alpha, const float* x, float* y) {
  const int threads = PlanThreads(n, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const D d;
    const int64_t N = hn::Lanes(d);
    const V va = hn::Set(d, alpha);
    int64_t b, e;
    ThreadRange(n, 16, &b, &e);
    int64_t i = b;
    for (; i + N <= e; i += N) hn::StoreU(hn::MulAdd(va, hn::LoadU(d, x + i), hn::LoadU(d, y + i)), d, y + i);
    // One rounding, like the vector body on FMA targets.
    for (; i < e; ++i) y[i] = std::fma(alpha, x[i], y[i]);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(BinarySameImpl);
HWY_EXPORT(BinaryRowImpl);
HWY_EXPORT(BinaryScalarImpl);
HWY_EXPORT(AxpyImpl);

void BinarySame(BinaryOp op, int64_t n, const float* a, const float* b, float* out) {
  QUADRA_CHECK_ARG(n >= 0, "binary: negative length");
  if (n > 0) HWY_DYNAMIC_DISPATCH(BinarySameImpl)(op, n, a, b, out);
}

void BinaryRow(BinaryOp op, int64_t rows, int64_t cols, const float* a, const float* b, float* out) {
  QUADRA_CHECK_ARG(rows >= 0 && cols >= 1, "binary: rows must be >= 0 and cols positive");
  if (rows > 0) HWY_DYNAMIC_DISPATCH(BinaryRowImpl)(op, rows, cols, a, b, out);
}

void BinaryScalar(BinaryOp op, int64_t n, const float* a, float s, float* out) {
  QUADRA_CHECK_ARG(n >= 0, "binary: negative length");
  if (n > 0) HWY_DYNAMIC_DISPATCH(BinaryScalarImpl)(op, n, a, s, out);
}

void Scale(int64_t n, const float* x, float alpha, float* out) { BinaryScalar(BinaryOp::kMul, n, x, alpha, out); }

void Axpy(int64_t n, float alpha, const float* x, float* y) {
  QUADRA_CHECK_ARG(n >= 0, "axpy: negative length");
  if (n > 0) HWY_DYNAMIC_DISPATCH(AxpyImpl)(n, alpha, x, y);
}

}  // namespace quadra
#endif  // HWY_ONCE
