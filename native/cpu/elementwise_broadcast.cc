// General NumPy-broadcast arithmetic, out = a op b. The broadcast structure is reduced first:
// size-1 output axes are dropped and neighbouring axes merge when both operands walk them
// contiguously (or both broadcast them), so e.g. a [B, h, m, m] + [1, h, m, m] bias becomes
// [B, h*m*m] with a contiguous inner run. The inner run then is one of: both operands contiguous,
// one broadcast as a scalar, or both broadcast (a fill). Threads over the outer runs.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "elementwise_broadcast.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <string>
#include <utility>

#include "quadra/broadcast.h"
#include "quadra/errors.h"
#include "quadra/parallel.h"
#include "quadra/strided.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

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

// out[i] = a[i * ia] op b[i * ib] for i < n, ia and ib in {0, 1}.
template <BinaryOp kOp>
HWY_INLINE void Run(int64_t n, const float* a, int64_t ia, const float* b, int64_t ib, float* out) {
  const D d;
  const int64_t N = hn::Lanes(d);
  int64_t i = 0;
  if (ia && ib) {
    for (; i + N <= n; i += N) hn::StoreU(Apply<kOp>(hn::LoadU(d, a + i), hn::LoadU(d, b + i)), d, out + i);
  } else if (ia) {
    const V vb = hn::Set(d, b[0]);
    for (; i + N <= n; i += N) hn::StoreU(Apply<kOp>(hn::LoadU(d, a + i), vb), d, out + i);
  } else if (ib) {
    const V va = hn::Set(d, a[0]);
    for (; i + N <= n; i += N) hn::StoreU(Apply<kOp>(va, hn::LoadU(d, b + i)), d, out + i);
  } else {
    const V v = hn::Set(d, Apply1<kOp>(a[0], b[0]));
    for (; i + N <= n; i += N) hn::StoreU(v, d, out + i);
  }
  for (; i < n; ++i) out[i] = Apply1<kOp>(a[i * ia], b[i * ib]);
}

template <BinaryOp kOp>
void BroadcastT(const BroadcastPlan& p, const float* a, const float* b, float* out) {
  Odometer od{};
  od.nd = p.ndim - 1;
  int64_t outer = 1;
  for (int d = 0; d < od.nd; ++d) {
    od.dims[d] = p.dims[d];
    od.sa[d] = p.sa[d];
    od.sb[d] = p.sb[d];
    outer *= p.dims[d];
  }
  const int64_t inner = p.dims[p.ndim - 1], ia = p.sa[p.ndim - 1], ib = p.sb[p.ndim - 1];
  const int threads = PlanThreads(outer * inner, int64_t(1) << 16);
#pragma omp parallel num_threads(threads) if (threads > 1) firstprivate(od)
  {
    int64_t s, e;
    ThreadRange(outer, 1, &s, &e);
    if (s < e) {
      od.Seek(s);
      for (int64_t r = s; r < e; ++r, od.Next()) Run<kOp>(inner, a + od.a, ia, b + od.b, ib, out + r * inner);
    }
  }
}

void BroadcastImpl(BinaryOp op, const BroadcastPlan& p, const float* a, const float* b, float* out) {
  switch (op) {
    case BinaryOp::kAdd: return BroadcastT<BinaryOp::kAdd>(p, a, b, out);
    case BinaryOp::kSub: return BroadcastT<BinaryOp::kSub>(p, a, b, out);
    case BinaryOp::kMul: return BroadcastT<BinaryOp::kMul>(p, a, b, out);
    case BinaryOp::kDiv: return BroadcastT<BinaryOp::kDiv>(p, a, b, out);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(BroadcastImpl);

BroadcastPlan PlanBroadcast(int ndim, const int64_t* a_shape, const int64_t* b_shape, const int64_t* out_shape) {
  CheckedElements("broadcastBinary", "outShape", ndim, out_shape);
  for (int d = 0; d < ndim; ++d) {
    // each message names the argument first, as the CUDA binding's do
    QUADRA_CHECK_ARG(a_shape[d] == out_shape[d] || a_shape[d] == 1,
                     "aShape[" + std::to_string(d) + "] = " + std::to_string(a_shape[d]) + " does not broadcast to outShape[" +
                         std::to_string(d) + "] = " + std::to_string(out_shape[d]));
    QUADRA_CHECK_ARG(b_shape[d] == out_shape[d] || b_shape[d] == 1,
                     "bShape[" + std::to_string(d) + "] = " + std::to_string(b_shape[d]) + " does not broadcast to outShape[" +
                         std::to_string(d) + "] = " + std::to_string(out_shape[d]));
  }
  // Strides (0 where broadcast) of the non-unit output axes.
  int64_t dims[kMaxDims], sa[kMaxDims], sb[kMaxDims];
  int m = 0;
  int64_t ta = 1, tb = 1;
  for (int d = ndim - 1; d >= 0; --d) {
    if (out_shape[d] != 1) {
      dims[m] = out_shape[d];
      sa[m] = a_shape[d] == 1 ? 0 : ta;
      sb[m] = b_shape[d] == 1 ? 0 : tb;
      ++m;
    }
    ta *= a_shape[d];
    tb *= b_shape[d];
  }
  // dims/sa/sb are innermost first here; merge an axis into the one inside it when both operands
  // continue contiguously across the boundary.
  BroadcastPlan p{};
  int k = 0;
  for (int i = 0; i < m; ++i) {
    if (k > 0) {
      const int j = k - 1;  // the merged axis just inside
      const int64_t n = p.dims[j];
      if (sa[i] == p.sa[j] * n && sb[i] == p.sb[j] * n) {
        p.dims[j] *= dims[i];
        continue;
      }
    }
    p.dims[k] = dims[i];
    p.sa[k] = sa[i];
    p.sb[k] = sb[i];
    ++k;
  }
  if (k == 0) {  // a single element
    p.dims[0] = 1;
    p.sa[0] = p.sb[0] = 1;
    k = 1;
  }
  // Back to outermost first.
  for (int i = 0; i < k / 2; ++i) {
    std::swap(p.dims[i], p.dims[k - 1 - i]);
    std::swap(p.sa[i], p.sa[k - 1 - i]);
    std::swap(p.sb[i], p.sb[k - 1 - i]);
  }
  p.ndim = k;
  return p;
}

void BroadcastBinary(BinaryOp op, int ndim, const int64_t* a_shape, const float* a, const int64_t* b_shape,
                     const float* b, const int64_t* out_shape, float* out) {
  const BroadcastPlan p = PlanBroadcast(ndim, a_shape, b_shape, out_shape);
  for (int d = 0; d < ndim; ++d)
    if (out_shape[d] == 0) return;
  HWY_DYNAMIC_DISPATCH(BroadcastImpl)(op, p, a, b, out);
}

}  // namespace quadra
#endif  // HWY_ONCE
