// GEMM provider for x86-64: oneDNN's dnnl_sgemm (row-major, JIT kernels for AVX2/AVX-512).
// Debian's oneDNN is built with the OpenMP runtime (libgomp, the same one the kernels use); it
// sizes its parallel regions with omp_get_max_threads() of the calling thread, so we set that
// thread's nthreads ICV to NumThreads() before each call (a per-thread setting: other JS threads
// and our own regions, which pass num_threads explicitly, are unaffected).
#include <omp.h>

#include <cstdio>
#include <string>

#include "oneapi/dnnl/dnnl.h"
#include "quadra/errors.h"
#include "quadra/gemm.h"
#include "quadra/kernels.h"
#include "quadra/signal_guard.h"
#include "onednn_call.h"

namespace quadra {
namespace {

void CheckGemmArgs(bool ta, bool tb, int64_t m, int64_t n, int64_t k, int64_t lda, int64_t ldb, int64_t ldc) {
  QUADRA_CHECK_ARG(m >= 1 && n >= 1 && k >= 1, "gemm: m, n and k must be positive");
  QUADRA_CHECK_ARG(lda >= (ta ? m : k), "gemm: lda is smaller than a row of A");
  QUADRA_CHECK_ARG(ldb >= (tb ? k : n), "gemm: ldb is smaller than a row of B");
  QUADRA_CHECK_ARG(ldc >= n, "gemm: ldc is smaller than a row of C");
}

// Blocks AsyncSignals() for good in the worker threads (not the caller) of this thread's OpenMP
// team of `threads`; cheap after the first call for a given team size.
void BlockSignalsInWorkers(int threads) {
  // libgomp keeps one pool of worker threads per thread that starts parallel regions, and grows
  // it with the team size: remember, per calling thread, how large a team is already blocked.
  thread_local int blocked = 1;
  if (threads <= blocked) return;
#pragma omp parallel num_threads(threads)
  {
    if (omp_get_thread_num() != 0) pthread_sigmask(SIG_BLOCK, &AsyncSignals(), nullptr);
  }
  blocked = threads;
}

}  // namespace

void PrepareOneDnnCall() {
  const int threads = NumThreads();
  if (omp_get_max_threads() != threads) omp_set_num_threads(threads);
  BlockSignalsInWorkers(threads);
}

void Sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  CheckGemmArgs(trans_a, trans_b, m, n, k, lda, ldb, ldc);
  PrepareOneDnnCall();
  if (SgemmSplit(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) return;
  const AsyncSignalsBlocked guard;
  const dnnl_status_t st = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, alpha, a, lda, b,
                                      ldb, beta, c, ldc);
  if (st != dnnl_success) {
    throw ArgumentError("gemm: oneDNN dnnl_sgemm failed with status " + std::to_string(int(st)));
  }
}

bool SgemmSerial(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) noexcept {
  if (omp_get_max_threads() != 1) omp_set_num_threads(1);
  const AsyncSignalsBlocked guard;  // called on the kernels' worker threads too (signal_guard.h)
  return dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) ==
         dnnl_success;
}

const char* GemmProvider() {
  static const std::string name = [] {
    const dnnl_version_t* v = dnnl_version();
    char buf[64];
    std::snprintf(buf, sizeof buf, "onednn %d.%d.%d", v->major, v->minor, v->patch);
    return std::string(buf);
  }();
  return name.c_str();
}

}  // namespace quadra
