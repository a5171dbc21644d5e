#include <cstdint>
#include <limits>
#include <string>

#include "quadra/errors.h"
#include "quadra/kernels.h"

namespace quadra {

void CheckConvShape(const ConvShape& s) {
  QUADRA_CHECK_ARG(s.n > 0 && s.h > 0 && s.w > 0 && s.c > 0,
                   "shape: n, h, w, c must be positive integers, got n=" + std::to_string(s.n) +
                       " h=" + std::to_string(s.h) + " w=" + std::to_string(s.w) +
                       " c=" + std::to_string(s.c));
  QUADRA_CHECK_ARG(s.k >= 1 && s.k <= kMaxKernel && (s.k % 2) == 1,
                   "k: expected an odd kernel size in [1, " + std::to_string(kMaxKernel) +
                       "], got " + std::to_string(s.k));
  const double elems = double(s.n) * double(s.h) * double(s.w) * double(s.c);
  QUADRA_CHECK_ARG(elems < double(std::numeric_limits<int64_t>::max() / 4),
                   "shape: n*h*w*c overflows");
}

}  // namespace quadra
