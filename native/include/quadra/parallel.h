// Static work splitting for the dense kernels: how many threads a call deserves, and each
// thread's share of [0, n). Every region still passes num_threads(...) explicitly.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "quadra/kernels.h"

namespace quadra {

// NumThreads(), but no more threads than there are `grain`-sized pieces of work (small calls run
// on the calling thread: a parallel region costs a few microseconds).
inline int PlanThreads(int64_t work, int64_t grain) {
  const int64_t pieces = std::max<int64_t>(1, work / std::max<int64_t>(1, grain));
  return int(std::min<int64_t>(NumThreads(), pieces));
}

// This thread's share [*begin, *end) of [0, n), split points rounded to multiples of `align`.
inline void ThreadRange(int64_t n, int64_t align, int64_t* begin, int64_t* end) {
  const int t = omp_get_thread_num(), nt = omp_get_num_threads();
  auto at = [&](int i) {
    if (i >= nt) return n;
    return std::min(n, (n * i / nt) / align * align);
  };
  *begin = at(t);
  *end = at(t + 1);
}

}  // namespace quadra
