// Sum over any set of axes (native/cpu/reduce_sum.cc).
#pragma once
#include <cstdint>

#include "quadra/layout.h"

namespace quadra {

// The kernel's reduced structure: kept axes (outermost first, with input strides) and reduced axes.
struct SumPlan {
  int nk = 0, nr = 0;
  int64_t kd[kMaxDims], ks[kMaxDims], rd[kMaxDims], rs[kMaxDims];
  bool inner_kept = true;
};

// out (the kept axes, in order) = sum of x (shape, ndim <= kMaxDims) over the axes with
// reduce[d] true. out must not overlap x.
void ReduceSum(int ndim, const int64_t* shape, const bool* reduce, const float* x, float* out);

}  // namespace quadra
