// Our own split of one GEMM across the threads: each thread computes a block of C's columns (or
// rows) with the provider's single-threaded GEMM. oneDNN 2.6's dnnl_sgemm splits small-m products
// (49..196 rows, the late stages of a network at batch 1) so badly on 2 threads that they ran
// slower than on one; a block of columns per thread keeps each thread's GEMM as efficient as the
// serial one (measured in bench/RESULTS.md, "GEMM split").
#include <omp.h>

#include <atomic>

#include "quadra/errors.h"
#include "quadra/gemm.h"
#include "quadra/kernels.h"

namespace quadra {
namespace {

// Columns per thread at least this wide (a multiple of the providers' 16- and 64-wide panels).
constexpr int64_t kMinCols = 64;
// Rows per thread at least this many when splitting rows.
constexpr int64_t kMinRows = 32;
// Below this many multiply-adds a parallel region costs more than it saves.
constexpr int64_t kMinWork = int64_t(1) << 18;

std::atomic<bool> g_split{true};

}  // namespace

void SetGemmSplit(bool on) { g_split.store(on, std::memory_order_relaxed); }
bool GemmSplit() { return g_split.load(std::memory_order_relaxed); }

bool SgemmSplit(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  const int threads = NumThreads();
  if (!GemmSplit() || threads < 2 || m * n * k < kMinWork) return false;
  // Wide blocks of columns where C is wide; rows where it is narrow and tall (784x512 -> 128 ran
  // 7 % slower split by 64-wide columns than by rows); columns again when rows are too few.
  const bool rows_ok = m >= threads * kMinRows, cols_ok = n >= threads * kMinCols;
  const bool by_cols = n >= 2 * threads * kMinCols || (cols_ok && !rows_ok);
  if (!by_cols && !rows_ok) return false;
  bool ok = true;
#pragma omp parallel num_threads(threads) reduction(&& : ok)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    if (by_cols) {
      const int64_t panels = (n + 15) / 16;
      const int64_t j0 = std::min(n, panels * t / nt * 16), j1 = std::min(n, panels * (t + 1) / nt * 16);
      if (j1 > j0) {
        const float* bj = trans_b ? b + j0 * ldb : b + j0;
        ok = SgemmSerial(trans_a, trans_b, m, j1 - j0, k, alpha, a, lda, bj, ldb, beta, c + j0, ldc);
      }
    } else {
      const int64_t i0 = m * t / nt, i1 = m * (t + 1) / nt;
      if (i1 > i0) {
        const float* ai = trans_a ? a + i0 : a + i0 * lda;
        ok = SgemmSerial(trans_a, trans_b, i1 - i0, n, k, alpha, ai, lda, b, ldb, beta, c + i0 * ldc, ldc);
      }
    }
  }
  if (!ok) throw ArgumentError("gemm: the provider's GEMM failed on a thread's block");
  return true;
}

}  // namespace quadra
