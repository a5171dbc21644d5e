// Window copies between a small tensor and a window of a bigger one (pad, slice along a
// non-leading axis, concat and their gradients). Trailing axes the window covers fully merge with
// the last partial axis into one contiguous run, copied as a block; threads over the runs.
#include <algorithm>
#include <string>

#include "quadra/errors.h"
#include "quadra/layout.h"
#include "quadra/parallel.h"
#include "quadra/strided.h"

namespace quadra {

void CopyWindow(int ndim, const int64_t* small_shape, const int64_t* big_shape, const int64_t* offsets,
                const float* src, float* dst, bool reverse) {
  const int64_t n = CheckedElements("copyWindow", "window shape", ndim, small_shape);
  CheckedElements("copyWindow", "full shape", ndim, big_shape);
  for (int d = 0; d < ndim; ++d) {
    QUADRA_CHECK_ARG(offsets[d] >= 0 && offsets[d] <= big_shape[d] - small_shape[d],
                     "copyWindow: offsets[" + std::to_string(d) + "] = " + std::to_string(offsets[d]) +
                         " puts the window (" + std::to_string(small_shape[d]) + ") outside the axis (" +
                         std::to_string(big_shape[d]) + ")");
  }
  if (n == 0) return;
  int64_t bst[kMaxDims];
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; --d) {
    bst[d] = s;
    s *= big_shape[d];
  }
  int k = ndim - 1;
  while (k >= 0 && small_shape[k] == big_shape[k]) --k;
  int64_t run = 1, base = 0;
  for (int d = std::max(k, 0); d < ndim; ++d) run *= small_shape[d];
  for (int d = 0; d < ndim; ++d) base += offsets[d] * bst[d];
  Odometer od{};
  od.nd = std::max(k, 0);
  int64_t outer = 1;
  for (int d = 0; d < od.nd; ++d) {
    od.dims[d] = small_shape[d];
    od.sa[d] = bst[d];
    od.sb[d] = 0;
    outer *= small_shape[d];
  }
  const int threads = PlanThreads(n, int64_t(1) << 15);
#pragma omp parallel num_threads(threads) if (threads > 1) firstprivate(od)
  {
    int64_t b, e;
    ThreadRange(outer, 1, &b, &e);
    if (b < e) {
      od.Seek(b);
      for (int64_t i = b; i < e; ++i, od.Next()) {
        const int64_t big = base + od.a, small = i * run;
        if (reverse) {
          CopyFloats(dst + small, src + big, run);
        } else {
          CopyFloats(dst + big, src + small, run);
        }
      }
    }
  }
}

}  // namespace quadra
