// Column sums of a row-major [rows, cols] matrix (SumRows, the bias gradient). Blocks of
// kBlockRows rows are summed in registers before being added to the thread's running sums, so
// float rounding grows with rows/kBlockRows, not rows.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "reduce.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

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

// acc[c] += sum of x rows [r0, r1) (row stride `cols`).
void AddColumnSums(int64_t r0, int64_t r1, int64_t cols, const float* x, float* acc) {
  const hn::ScalableTag<float> d;
  const int64_t N = hn::Lanes(d);
  for (int64_t b0 = r0; b0 < r1; b0 += kBlockRows) {
    const int64_t b1 = std::min(r1, b0 + kBlockRows);
    int64_t c = 0;
    for (; c + 2 * N <= cols; c += 2 * N) {
      auto s0 = hn::Zero(d), s1 = hn::Zero(d);
      for (int64_t r = b0; r < b1; ++r) {
        s0 = hn::Add(s0, hn::LoadU(d, x + r * cols + c));
        s1 = hn::Add(s1, hn::LoadU(d, x + r * cols + c + N));
      }
      hn::StoreU(hn::Add(hn::LoadU(d, acc + c), s0), d, acc + c);
      hn::StoreU(hn::Add(hn::LoadU(d, acc + c + N), s1), d, acc + c + N);
    }
    for (; c + N <= cols; c += N) {
      auto s0 = hn::Zero(d);
      for (int64_t r = b0; r < b1; ++r) s0 = hn::Add(s0, hn::LoadU(d, x + r * cols + c));
      hn::StoreU(hn::Add(hn::LoadU(d, acc + c), s0), d, acc + c);
    }
    for (; c < cols; ++c) {
      float s = 0;
      for (int64_t r = b0; r < b1; ++r) s += x[r * cols + c];
      acc[c] += s;
    }
  }
}

void SumRowsImpl(int64_t rows, int64_t cols, const float* x, float* out) {
  const int threads = PlanThreads(rows * cols, int64_t(1) << 15);
  if (threads <= 1) {
    std::memset(out, 0, size_t(cols) * sizeof(float));
    AddColumnSums(0, rows, cols, x, out);
    return;
  }
  float* partials = Scratch(kScratchPartials, size_t(threads) * size_t(cols));
  int used = threads;
#pragma omp parallel num_threads(threads)
  {
    int64_t r0, r1;
    ThreadRange(rows, 1, &r0, &r1);
    float* acc = partials + int64_t(omp_get_thread_num()) * cols;
    std::memset(acc, 0, size_t(cols) * sizeof(float));
    AddColumnSums(r0, r1, cols, x, acc);
#pragma omp single
    used = omp_get_num_threads();
  }
  for (int64_t c = 0; c < cols; ++c) {
    float s = 0.0f;
    for (int t = 0; t < used; ++t) s += partials[int64_t(t) * cols + c];
    out[c] = s;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(SumRowsImpl);

void SumRows(int64_t rows, int64_t cols, const float* x, float* out) {
  QUADRA_CHECK_ARG(rows >= 1 && cols >= 1, "sumRows: rows and cols must be positive");
  HWY_DYNAMIC_DISPATCH(SumRowsImpl)(rows, cols, x, out);
}

}  // namespace quadra
#endif  // HWY_ONCE
