// Linear layer over the GEMM provider, PyTorch's layout: w is [out, in], y = x w^T + b.
// Bias: C is pre-filled with the bias rows and the GEMM runs with beta = 1 (measured against
// oneDNN's matmul primitive with a fused bias, see native/dev/linear_bias.cc and the figures in
// packages/quadra-lib/README or the commit message).
#include <cstring>

#include "quadra/dense.h"
#include "quadra/errors.h"
#include "quadra/gemm.h"
#include "quadra/parallel.h"

namespace quadra {
namespace {

void CheckDims(const LinearDims& d, const char* what) {
  QUADRA_CHECK_ARG(d.rows >= 1 && d.in >= 1 && d.out >= 1,
                   std::string(what) + ": rows, inFeatures and outFeatures must be positive");
}

}  // namespace

void LinearForward(const LinearDims& d, const float* x, const float* w, const float* bias, float* y) {
  CheckDims(d, "linear");
  float beta = 0.0f;
  if (bias) {
    const int threads = PlanThreads(d.rows * d.out, int64_t(1) << 16);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (int64_t r = 0; r < d.rows; ++r) std::memcpy(y + r * d.out, bias, size_t(d.out) * sizeof(float));
    beta = 1.0f;
  }
  // y[rows, out] = x[rows, in] * (w[out, in])^T
  Sgemm(false, true, d.rows, d.out, d.in, 1.0f, x, d.in, w, d.in, beta, y, d.out);
}

void LinearBackward(const LinearDims& d, const float* x, const float* w, const float* dy, float* dx,
                    float* dw, float* db, bool accumulate) {
  CheckDims(d, "linearBackward");
  const float beta = accumulate ? 1.0f : 0.0f;
  // dx[rows, in] = dy[rows, out] * w[out, in]
  if (dx) Sgemm(false, false, d.rows, d.in, d.out, 1.0f, dy, d.out, w, d.in, beta, dx, d.in);
  // dw[out, in] = dy^T[out, rows] * x[rows, in]
  if (dw) Sgemm(true, false, d.out, d.in, d.rows, 1.0f, dy, d.out, x, d.in, beta, dw, d.in);
  if (db) SumRows(d.rows, d.out, dy, db, accumulate);
}

}  // namespace quadra
