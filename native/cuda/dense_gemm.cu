// GEMM, linear and its gradient through cuBLAS (loaded at run time, runtime/cublas_loader.cc).
// cuBLAS is column-major: a row-major C[m,n] = op(A) op(B) is the column-major Cᵀ[n,m] =
// op(B)ᵀ op(A)ᵀ, so we call sgemm with the operands swapped and m/n exchanged.
#include <climits>
#include <string>

#include "qcuda/cublas_api.h"
#include "qcuda/launch.cuh"

namespace qc {
namespace {

int AsInt(int64_t v, const char* what) {
  if (v > INT_MAX) throw ArgError(std::string("Gemm: ") + what + " = " + std::to_string(v) + " exceeds cuBLAS's int range");
  return int(v);
}

}  // namespace

void Gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, const float* b, float beta,
          float* c, cudaStream_t st) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    // Σ over nothing: C = beta C (beta = 0 does not read C, as BLAS).
    if (beta == 0.f) Fill(c, 0.f, m * n, st);
    else Scale(c, beta, c, m * n, st);
    return;
  }
  const Cublas& cb = GetCublas();
  const int M = AsInt(m, "m"), N = AsInt(n, "n"), K = AsInt(k, "k");
  AsInt(m * n, "m*n");
  // Row-major A is [m,k] (lda k) or, transposed, [k,m] (lda m); B is [k,n] (ldb n) or [n,k] (ldb k).
  const int lda = ta ? M : K, ldb = tb ? K : N;
  CheckCublas(cb.sgemm(cb.handle, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N, N, M, K, &alpha, b,
                       ldb, a, lda, &beta, c, N),
              "cublasSgemm_v2");
}

void Linear(const float* x, const float* w, const float* bias, float* y, int64_t rows, int64_t in, int64_t out,
            cudaStream_t st) {
  // y = x wᵀ (+ bias): the bias rows are written first and accumulated into with beta = 1.
  if (bias) RowBroadcast(bias, rows, out, y, st);
  Gemm(false, true, rows, out, in, 1.f, x, w, bias ? 1.f : 0.f, y, st);
}

void LinearGrad(const float* x, const float* w, const float* dy, int64_t rows, int64_t in, int64_t out, float* dx,
                float* dw, float* db, cudaStream_t st) {
  if (dx) Gemm(false, false, rows, in, out, 1.f, dy, w, 0.f, dx, st);  // dx = dy w
  if (dw) Gemm(true, false, out, in, rows, 1.f, dy, x, 0.f, dw, st);   // dw = dyᵀ x
  if (db) SumRows(dy, rows, out, db, st);
}

}  // namespace qc
