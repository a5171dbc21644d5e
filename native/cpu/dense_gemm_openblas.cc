// GEMM provider for arm64 (and any non-x86 build): OpenBLAS's cblas_sgemm, linked statically from
// Debian's libopenblas-openmp-dev. The OpenMP flavour shares libgomp with the kernels; OpenBLAS
// reads omp_get_max_threads() of the calling thread at each call, so we set that thread's nthreads
// ICV to NumThreads() (and tell OpenBLAS, which keeps its own count) before each call.
#include <omp.h>

#include <climits>
#include <cstring>
#include <string>

#include <cblas.h>

#include "quadra/errors.h"
#include "quadra/gemm.h"
#include "quadra/kernels.h"

extern "C" void openblas_set_num_threads(int);
extern "C" char* openblas_get_config(void);

namespace quadra {

void Sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  QUADRA_CHECK_ARG(m >= 1 && n >= 1 && k >= 1, "gemm: m, n and k must be positive");
  QUADRA_CHECK_ARG(lda >= (trans_a ? m : k), "gemm: lda is smaller than a row of A");
  QUADRA_CHECK_ARG(ldb >= (trans_b ? k : n), "gemm: ldb is smaller than a row of B");
  QUADRA_CHECK_ARG(ldc >= n, "gemm: ldc is smaller than a row of C");
  // blasint is 32-bit in Debian's build.
  for (int64_t v : {m, n, k, lda, ldb, ldc}) {
    QUADRA_CHECK_ARG(v <= INT_MAX, "gemm: a dimension exceeds OpenBLAS's 32-bit integers");
  }
  static thread_local int set_threads = 0;
  const int threads = NumThreads();
  if (set_threads != threads) {
    omp_set_num_threads(threads);
    openblas_set_num_threads(threads);
    set_threads = threads;
  }
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              int(m), int(n), int(k), alpha, a, int(lda), b, int(ldb), beta, c, int(ldc));
}

bool SgemmSerial(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) noexcept {
  // Inside an OpenMP region OpenBLAS runs on the calling thread.
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              int(m), int(n), int(k), alpha, a, int(lda), b, int(ldb), beta, c, int(ldc));
  return true;
}

const char* GemmProvider() {
  static const std::string name = [] {
    // openblas_get_config() reads like "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY ...".
    std::string cfg = openblas_get_config();
    std::string version = "unknown";
    if (cfg.rfind("OpenBLAS ", 0) == 0) {
      const size_t end = cfg.find(' ', 9);
      version = cfg.substr(9, end == std::string::npos ? std::string::npos : end - 9);
    }
    return "openblas " + version;
  }();
  return name.c_str();
}

}  // namespace quadra
