// Cyclic shift along every axis (Swin's shifted windows). Trailing unshifted axes merge into a
// contiguous block; the innermost shifted axis then splits each row into two runs, copied as
// blocks. The outer axes' source offsets are recomputed per row (at most kMaxDims terms).
#include <string>

#include "quadra/errors.h"
#include "quadra/layout.h"
#include "quadra/parallel.h"
#include "quadra/strided.h"

namespace quadra {

void Roll(int ndim, const int64_t* shape, const int64_t* shifts, const float* x, float* out) {
  const int64_t n = CheckedElements("roll", "shape", ndim, shape);
  if (n == 0) return;
  int64_t sh[kMaxDims], st[kMaxDims];
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; --d) {
    sh[d] = ((shifts[d] % shape[d]) + shape[d]) % shape[d];
    st[d] = s;
    s *= shape[d];
  }
  int k = ndim - 1;
  while (k >= 0 && sh[k] == 0) --k;
  if (k < 0) {
    const int threads = PlanThreads(n, int64_t(1) << 17);
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
      int64_t b, e;
      ThreadRange(n, 16, &b, &e);
      if (e > b) CopyFloats(out + b, x + b, e - b);
    }
    return;
  }
  const int64_t inner = st[k];            // elements per index of axis k
  const int64_t row = shape[k] * inner;   // one row of axis k
  const int64_t head = sh[k] * inner;     // out[0, head) = x[row - head, row)
  int64_t outer = 1;
  for (int d = 0; d < k; ++d) outer *= shape[d];
  const int threads = PlanThreads(n, int64_t(1) << 15);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t b, e;
    ThreadRange(outer, 1, &b, &e);
    int64_t idx[kMaxDims] = {};
    int64_t rem = b;
    for (int d = k - 1; d >= 0; --d) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
    }
    for (int64_t i = b; i < e; ++i) {
      // The source row of output row idx: (idx - shift) mod shape on every outer axis.
      int64_t src = 0;
      for (int d = 0; d < k; ++d) {
        int64_t j = idx[d] - sh[d];
        if (j < 0) j += shape[d];
        src += j * st[d];
      }
      float* o = out + i * row;
      const float* xr = x + src;
      CopyFloats(o, xr + row - head, head);
      CopyFloats(o + head, xr, row - head);
      for (int d = k - 1; d >= 0; --d) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
  }
}

}  // namespace quadra
