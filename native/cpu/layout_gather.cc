// index_select along one axis and its scatter-add backward. x is viewed as [outer, n, inner].
// Gather copies whole inner blocks. ScatterAdd splits the work by (outer index, column range of
// inner), and each piece walks the indices in order: repeated indices are added by the same
// thread in the reference's order, so the result is deterministic and race-free.
#include <algorithm>
#include <string>

#include "quadra/errors.h"
#include "quadra/layout.h"
#include "quadra/parallel.h"
#include "quadra/strided.h"

namespace quadra {
namespace {

void CheckGather(const char* op, int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m) {
  QUADRA_CHECK_ARG(outer >= 0 && n >= 0 && inner >= 0 && m >= 0, std::string(op) + ": negative size");
  for (int64_t j = 0; j < m; ++j) {
    QUADRA_CHECK_ARG(idx[j] >= 0 && idx[j] < n, std::string(op) + ": indices[" + std::to_string(j) + "] = " +
                                                    std::to_string(idx[j]) + " is outside [0, " +
                                                    std::to_string(n - 1) + "]");
  }
}

constexpr int64_t kGrain = int64_t(1) << 15;

}  // namespace

void Gather(int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, const float* x, float* out) {
  CheckGather("gather", outer, n, inner, idx, m);
  const int64_t rows = outer * m;
  if (rows == 0 || inner == 0) return;
  const int threads = PlanThreads(rows * inner, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t b, e;
    ThreadRange(rows, 1, &b, &e);
    for (int64_t r = b; r < e; ++r) {
      const int64_t o = r / m, j = r % m;
      CopyFloats(out + r * inner, x + (o * n + idx[j]) * inner, inner);
    }
  }
}

void ScatterAdd(int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, const float* dy, float* dx) {
  CheckGather("scatterAdd", outer, n, inner, idx, m);
  if (outer == 0 || m == 0 || inner == 0) return;
  const int threads = PlanThreads(outer * m * inner, kGrain);
  // Enough column pieces that every thread has work even when outer is 1 (a lookup table).
  int64_t pieces = 1;
  if (outer < threads) pieces = std::min<int64_t>((inner + 15) / 16, (threads + outer - 1) / outer);
  const int64_t width = ((inner + pieces - 1) / pieces + 15) / 16 * 16;
  pieces = (inner + width - 1) / width;
  const int64_t items = outer * pieces;
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t b, e;
    ThreadRange(items, 1, &b, &e);
    for (int64_t it = b; it < e; ++it) {
      const int64_t o = it / pieces, c0 = (it % pieces) * width, c1 = std::min(inner, c0 + width);
      for (int64_t j = 0; j < m; ++j) {
        float* d = dx + (o * n + idx[j]) * inner;
        const float* s = dy + (o * m + j) * inner;
        for (int64_t c = c0; c < c1; ++c) d[c] += s[c];
      }
    }
  }
}

}  // namespace quadra
