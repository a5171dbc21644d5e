// Sum over any set of axes. The axes are reduced first (size-1 axes dropped, neighbours of the
// same kind merged), leaving two cases:
//  - the innermost axis is kept: each output row is the sum of the input rows the reduced axes
//    select, added a contiguous run at a time (blocks of kBlockRows rows are summed in a buffer
//    before they reach the output, bounding float rounding growth); threads over output rows, or
//    over column pieces when there are few rows;
//  - the innermost axis is reduced: each output element is a sum of contiguous runs (vector
//    partial sums); threads over output elements.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "reduce_axes.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <string>
#include <vector>

#include "quadra/errors.h"
#include "quadra/layout.h"
#include "quadra/parallel.h"
#include "quadra/reduce_sum.h"
#include "quadra/strided.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;

constexpr int64_t kBlockRows = 64;

// acc[0, n) += src[0, n)
HWY_INLINE void AddRow(float* acc, const float* src, int64_t n) {
  const D d;
  const int64_t N = hn::Lanes(d);
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Add(hn::LoadU(d, acc + i), hn::LoadU(d, src + i)), d, acc + i);
  for (; i < n; ++i) acc[i] += src[i];
}

// Sum of a contiguous run: float vector partials per chunk of kChunk elements, chunks added in
// double, so long runs (a full reduction) keep their precision.
HWY_INLINE double RunSum(const float* p, int64_t n) {
  constexpr int64_t kChunk = 1024;
  const D d;
  const int64_t N = hn::Lanes(d);
  double total = 0;
  for (int64_t c0 = 0; c0 < n; c0 += kChunk) {
    const int64_t c1 = std::min(n, c0 + kChunk);
    auto s0 = hn::Zero(d), s1 = hn::Zero(d);
    int64_t i = c0;
    for (; i + 2 * N <= c1; i += 2 * N) {
      s0 = hn::Add(s0, hn::LoadU(d, p + i));
      s1 = hn::Add(s1, hn::LoadU(d, p + i + N));
    }
    float s = hn::GetLane(hn::SumOfLanes(d, hn::Add(s0, s1)));
    for (; i < c1; ++i) s += p[i];
    total += s;
  }
  return total;
}

void KeptInner(const SumPlan& p, const float* x, float* out, float* scratch, int64_t width) {
  const int64_t inner = p.kd[p.nk - 1];
  Odometer ko{}, ro{};
  ko.nd = p.nk - 1;
  int64_t rows = 1, nred = 1;
  for (int d = 0; d < ko.nd; ++d) {
    ko.dims[d] = p.kd[d];
    ko.sa[d] = p.ks[d];
    ko.sb[d] = 0;
    rows *= p.kd[d];
  }
  ro.nd = p.nr;
  for (int d = 0; d < p.nr; ++d) {
    ro.dims[d] = p.rd[d];
    ro.sa[d] = p.rs[d];
    ro.sb[d] = 0;
    nred *= p.rd[d];
  }
  const int64_t pieces = (inner + width - 1) / width;
  const int64_t items = rows * pieces;
  const int threads = PlanThreads(rows * inner * nred, int64_t(1) << 15);
#pragma omp parallel num_threads(threads) if (threads > 1) firstprivate(ko, ro)
  {
    float* block = scratch + int64_t(omp_get_thread_num()) * width;
    int64_t b, e;
    ThreadRange(items, 1, &b, &e);
    for (int64_t it = b; it < e; ++it) {
      const int64_t row = it / pieces, c0 = (it % pieces) * width, n = std::min(inner, c0 + width) - c0;
      ko.Seek(row);
      float* o = out + row * inner + c0;
      std::fill(o, o + n, 0.0f);
      ro.Seek(0);
      for (int64_t r = 0; r < nred; r += kBlockRows) {
        const int64_t r1 = std::min(nred, r + kBlockRows);
        std::fill(block, block + n, 0.0f);
        for (int64_t k = r; k < r1; ++k, ro.Next()) AddRow(block, x + ko.a + ro.a + c0, n);
        AddRow(o, block, n);
      }
    }
  }
}

void ReducedInner(const SumPlan& p, const float* x, float* out) {
  const int64_t run = p.rd[p.nr - 1];
  Odometer ko{}, ro{};
  ko.nd = p.nk;
  int64_t outs = 1, nruns = 1;
  for (int d = 0; d < p.nk; ++d) {
    ko.dims[d] = p.kd[d];
    ko.sa[d] = p.ks[d];
    ko.sb[d] = 0;
    outs *= p.kd[d];
  }
  ro.nd = p.nr - 1;
  for (int d = 0; d < ro.nd; ++d) {
    ro.dims[d] = p.rd[d];
    ro.sa[d] = p.rs[d];
    ro.sb[d] = 0;
    nruns *= p.rd[d];
  }
  const int threads = PlanThreads(outs * run * nruns, int64_t(1) << 15);
#pragma omp parallel num_threads(threads) if (threads > 1) firstprivate(ko, ro)
  {
    int64_t b, e;
    ThreadRange(outs, 1, &b, &e);
    if (b < e) {
      ko.Seek(b);
      for (int64_t i = b; i < e; ++i, ko.Next()) {
        ro.Seek(0);
        double s = 0;
        for (int64_t k = 0; k < nruns; ++k, ro.Next()) s += RunSum(x + ko.a + ro.a, run);
        out[i] = float(s);
      }
    }
  }
}

void ReduceSumImpl(const SumPlan& p, const float* x, float* out, float* scratch, int64_t width) {
  if (p.inner_kept) {
    KeptInner(p, x, out, scratch, width);
  } else {
    ReducedInner(p, x, out);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(ReduceSumImpl);

void ReduceSum(int ndim, const int64_t* shape, const bool* reduce, const float* x, float* out) {
  const int64_t n = CheckedElements("reduceSum", "shape", ndim, shape);
  int64_t kept = 1;
  for (int d = 0; d < ndim; ++d)
    if (!reduce[d]) kept *= shape[d];
  if (kept == 0) return;
  if (n == 0) {
    std::fill(out, out + kept, 0.0f);
    return;
  }
  // Input strides, then the non-unit axes merged with neighbours of the same kind.
  int64_t st[kMaxDims];
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; --d) {
    st[d] = s;
    s *= shape[d];
  }
  int64_t dims[kMaxDims], strides[kMaxDims];
  bool red[kMaxDims];
  int m = 0;
  for (int d = 0; d < ndim; ++d) {
    if (shape[d] == 1) continue;
    if (m > 0 && red[m - 1] == reduce[d] && strides[m - 1] == st[d] * shape[d]) {
      dims[m - 1] *= shape[d];
      strides[m - 1] = st[d];
      continue;
    }
    dims[m] = shape[d];
    strides[m] = st[d];
    red[m] = reduce[d];
    ++m;
  }
  SumPlan p;
  for (int d = 0; d < m; ++d) {
    if (red[d]) {
      p.rd[p.nr] = dims[d];
      p.rs[p.nr++] = strides[d];
    } else {
      p.kd[p.nk] = dims[d];
      p.ks[p.nk++] = strides[d];
    }
  }
  if (p.nr == 0) {  // nothing (non-trivial) to reduce: a copy
    CopyFloats(out, x, n);
    return;
  }
  if (p.nk == 0) {  // everything: one output element, a reduced-inner sum with no kept axes
    p.kd[0] = 1;
    p.ks[0] = 0;
    p.nk = 1;
  }
  p.inner_kept = !red[m - 1];
  // Column pieces for the kept-inner case: enough that every thread has work.
  int64_t width = 0;
  std::vector<float> scratch;
  if (p.inner_kept) {
    const int64_t inner = p.kd[p.nk - 1];
    int64_t rows = 1;
    for (int d = 0; d < p.nk - 1; ++d) rows *= p.kd[d];
    const int64_t want = std::max<int64_t>(1, (NumThreads() + rows - 1) / rows);
    width = std::max<int64_t>(16, ((inner + want - 1) / want + 15) / 16 * 16);
    width = std::min(width, std::max<int64_t>(inner, 1));
    width = std::min<int64_t>(width, 4096);
    scratch.resize(size_t(NumThreads()) * size_t(width));
  }
  HWY_DYNAMIC_DISPATCH(ReduceSumImpl)(p, x, out, scratch.data(), width);
}

}  // namespace quadra
#endif  // HWY_ONCE
