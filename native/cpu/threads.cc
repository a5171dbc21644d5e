#include <omp.h>

#include <cstdlib>

#include "quadra/kernels.h"

namespace quadra {
namespace {

// Every parallel region passes num_threads(NumThreads()) explicitly: omp_set_num_threads would
// only affect the calling thread, and kernels may be called from several JS threads.
// QUADRA_NUM_THREADS overrides the default (one thread per available core).
int InitialThreads() {
  if (const char* env = std::getenv("QUADRA_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  return omp_get_num_procs();
}

int g_threads = InitialThreads();

}  // namespace

int NumThreads() { return g_threads; }

void SetNumThreads(int n) {
  g_threads = n > 0 ? n : omp_get_num_procs();
}

}  // namespace quadra
