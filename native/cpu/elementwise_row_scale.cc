// out[r, :] = s[r] x[r, :]: the per-sample mask of drop path. A dropped row is written as zeros
// rather than multiplied, so a non-finite activation cannot leak through as NaN.
#include <cstring>

#include "quadra/dense.h"
#include "quadra/parallel.h"

namespace quadra {

void RowScale(int64_t rows, int64_t cols, const float* x, const float* s, float* out) {
  const int threads = PlanThreads(rows * cols, int64_t(1) << 16);
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const float f = s[r];
    float* o = out + r * cols;
    const float* xr = x + r * cols;
    if (f == 0.0f) {
      std::memset(o, 0, sizeof(float) * size_t(cols));
    } else {
      for (int64_t c = 0; c < cols; ++c) o[c] = f * xr[c];
    }
  }
}

}  // namespace quadra
