// Helpers shared by the data-movement kernels: shape checks and an odometer that walks the outer
// axes of a copy while tracking a source and a destination offset.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

#include "quadra/errors.h"
#include "quadra/layout.h"

namespace quadra {

// Checks ndim in [0, kMaxDims] and non-negative dims whose product stays below 2^53; returns it.
inline int64_t CheckedElements(const char* op, const char* name, int ndim, const int64_t* shape) {
  QUADRA_CHECK_ARG(ndim >= 0 && ndim <= kMaxDims,
                   std::string(op) + ": " + name + " must have 0 to " + std::to_string(kMaxDims) + " axes, got " +
                       std::to_string(ndim));
  int64_t n = 1;
  for (int d = 0; d < ndim; ++d) {
    QUADRA_CHECK_ARG(shape[d] >= 0, std::string(op) + ": " + name + "[" + std::to_string(d) + "] is negative");
    QUADRA_CHECK_ARG(shape[d] == 0 || n <= (int64_t(1) << 53) / shape[d],
                     std::string(op) + ": " + name + " has too many elements");
    n *= shape[d];
  }
  return n;
}

// Walks a multi-index over `dims` (row-major, last fastest) from a linear start, keeping two
// offsets: sum idx[d] * a_stride[d] and sum idx[d] * b_stride[d].
struct Odometer {
  int nd;
  int64_t dims[kMaxDims], sa[kMaxDims], sb[kMaxDims], idx[kMaxDims];
  int64_t a, b;

  void Seek(int64_t linear) {
    a = b = 0;
    for (int d = nd - 1; d >= 0; --d) {
      idx[d] = linear % dims[d];
      linear /= dims[d];
      a += idx[d] * sa[d];
      b += idx[d] * sb[d];
    }
  }
  void Next() {
    for (int d = nd - 1; d >= 0; --d) {
      a += sa[d];
      b += sb[d];
      if (++idx[d] < dims[d]) return;
      a -= sa[d] * dims[d];
      b -= sb[d] * dims[d];
      idx[d] = 0;
    }
  }
};

inline void CopyFloats(float* dst, const float* src, int64_t n) {
  std::memcpy(dst, src, size_t(n) * sizeof(float));
}

}  // namespace quadra
