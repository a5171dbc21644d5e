// Linear layer over the GEMM provider, PyTorch's layout: w is [out, in], y = x w^T + b.
// Bias, measured with the retired native/dev/linear_bias.cc (2 threads, oneDNN 2.6.3, Zen 5; bench/
// RESULTS.md), against oneDNN's matmul primitive with a fused bias and a blocked pre-fill: all within ~5% of each other. For a
// y that fits in the last-level cache (3136x64x256) pre-filling y with the bias rows and running
// the GEMM with beta = 1 was best (~4%); for large y (25088x64x256, 25088x256x64: 25.7 MB) the
// GEMM with beta = 0 followed by a vectorised row-broadcast add won 7 of 8 runs (~3%).
#include <cstring>

#include "quadra/dense.h"
#include "quadra/errors.h"
#include "quadra/gemm.h"
#include "quadra/parallel.h"
#include "quadra/scratch.h"

#include <omp.h>

namespace quadra {
namespace {

// Outputs from this many elements (16 MB) take the bias in a pass after the GEMM.
constexpr int64_t kLargeOutput = int64_t(1) << 22;

void CheckDims(const LinearDims& d, const char* what) {
  QUADRA_CHECK_ARG(d.rows >= 1 && d.in >= 1 && d.out >= 1,
                   std::string(what) + ": rows, inFeatures and outFeatures must be positive");
}

// dw = dy^T x sums over all rows into a small [out, in]: the provider's threaded GEMM reached
// 61-70 % of peak there. Each thread takes a contiguous share of the rows with a one-thread GEMM
// into its own partial, and the partials are added (out*in floats per thread).
void WeightGrad(const LinearDims& d, const float* x, const float* dy, float* dw) {
  const int threads = NumThreads();
  const int64_t size = d.out * d.in;
  if (threads == 1 || d.rows < 256 * threads || size > (int64_t(1) << 20)) {
    Sgemm(true, false, d.out, d.in, d.rows, 1.0f, dy, d.out, x, d.in, 0.0f, dw, d.in);
    return;
  }
  float* partials = Scratch(kScratchPartials, size_t(size * (threads - 1)));
  bool ok = true;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    int64_t r0, r1;
    ThreadRange(d.rows, 8, &r0, &r1);
    float* out = t == 0 ? dw : partials + (t - 1) * size;
    if (r1 > r0) {
      if (!SgemmSerial(true, false, d.out, d.in, r1 - r0, 1.0f, dy + r0 * d.out, d.out, x + r0 * d.in, d.in, 0.0f, out, d.in)) {
#pragma omp atomic write
        ok = false;
      }
    } else {
      std::memset(out, 0, size_t(size) * sizeof(float));
    }
#pragma omp barrier
    int64_t i0, i1;
    ThreadRange(size, 16, &i0, &i1);
    for (int p = 0; p < threads - 1; ++p) {
      const float* src = partials + p * size;
      for (int64_t i = i0; i < i1; ++i) dw[i] += src[i];
    }
  }
  if (!ok) throw ArgumentError("linearBackward: the GEMM provider failed computing dw");
}

}  // namespace

void Linear(const LinearDims& d, const float* x, const float* w, const float* bias, float* y) {
  CheckDims(d, "linear");
  float beta = 0.0f;
  if (bias && d.rows * d.out >= kLargeOutput) {
    Sgemm(false, true, d.rows, d.out, d.in, 1.0f, x, d.in, w, d.in, 0.0f, y, d.out);
    BinaryRow(BinaryOp::kAdd, d.rows, d.out, y, bias, y);
    return;
  }
  if (bias) {
    const int threads = PlanThreads(d.rows * d.out, int64_t(1) << 16);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
    for (int64_t r = 0; r < d.rows; ++r) std::memcpy(y + r * d.out, bias, size_t(d.out) * sizeof(float));
    beta = 1.0f;
  }
  // y[rows, out] = x[rows, in] * (w[out, in])^T
  Sgemm(false, true, d.rows, d.out, d.in, 1.0f, x, d.in, w, d.in, beta, y, d.out);
}

void LinearGrad(const LinearDims& d, const float* x, const float* w, const float* dy, float* dx, float* dw,
                float* db) {
  CheckDims(d, "linearBackward");
  // dx[rows, in] = dy[rows, out] * w[out, in]
  if (dx) Sgemm(false, false, d.rows, d.in, d.out, 1.0f, dy, d.out, w, d.in, 0.0f, dx, d.in);
  // dw[out, in] = dy^T[out, rows] * x[rows, in]
  if (dw) WeightGrad(d, x, dy, dw);
  if (db) SumRows(d.rows, d.out, dy, db);
}

}  // namespace quadra
