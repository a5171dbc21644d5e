// The one GEMM interface the kernels use. One provider is compiled in (CMake option QUADRA_GEMM):
// oneDNN's dnnl_sgemm on x86-64, OpenBLAS's cblas_sgemm elsewhere. Both run on the same OpenMP
// runtime (libgomp) with NumThreads() threads.
#pragma once
#include <cstdint>

namespace quadra {

// Row-major C[m, n] = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T. op(A) is m x k, op(B)
// is k x n; lda/ldb/ldc are row strides in elements. beta == 0 means C is not read.
// Throws quadra::ArgumentError on bad sizes or a provider failure.
void Sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// The same product on the calling thread only, for use inside our own parallel regions (nested
// regions are inactive, so the provider runs serially there). Never throws: returns false when the
// provider fails. The caller has checked the sizes (Sgemm's rules).
bool SgemmSerial(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) noexcept;

// Sgemm split by our own code: C's columns (or rows) in one block per thread, each computed with
// SgemmSerial. Returns false, having done nothing, when the product is too small to split or a
// split is not worth it; true when C is computed; throws ArgumentError when the provider failed.
// The providers' Sgemm call it first.
bool SgemmSplit(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// Whether Sgemm splits products itself (default on); off leaves the threading to the provider.
void SetGemmSplit(bool on);
bool GemmSplit();

// The provider and its version, e.g. "onednn 2.6.3" or "openblas 0.3.21".
const char* GemmProvider();

}  // namespace quadra
