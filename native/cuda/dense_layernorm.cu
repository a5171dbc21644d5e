// Layer norm over the last axis, one warp per row: mean, then the variance about it (two passes,
// as the reference: no E[x²]-E[x]² cancellation), then the normalised output. The backward's
// dx is per row (warp); dgamma/dbeta are column reductions (reduce.cu).
#include "qcuda/launch.cuh"

namespace qc {
namespace {

__global__ void LayerNormK(const float* x, int64_t rows, int64_t cols, const float* gamma, const float* beta,
                           float eps, float* y, float* mean, float* rstd) {
  const int lane = threadIdx.x & 31;
  for (int64_t r = int64_t(blockIdx.x) * kRowWarps + threadIdx.x / 32; r < rows; r += int64_t(gridDim.x) * kRowWarps) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    double s = 0;
    for (int64_t c = lane; c < cols; c += 32) s += xr[c];
    const float m = float(WarpSumD(s) / double(cols));
    double v = 0;
    for (int64_t c = lane; c < cols; c += 32) {
      const float d = xr[c] - m;
      v += double(d) * d;
    }
    const float rs = float(1.0 / sqrt(WarpSumD(v) / double(cols) + double(eps)));
    // Read all of x before y is written: y may be x.
    __syncwarp();
    for (int64_t c = lane; c < cols; c += 32) {
      const float g = gamma ? gamma[c] : 1.f, b = beta ? beta[c] : 0.f;
      yr[c] = (xr[c] - m) * rs * g + b;
    }
    if (lane == 0) {
      mean[r] = m;
      rstd[r] = rs;
    }
  }
}

__global__ void LayerNormGradK(const float* x, int64_t rows, int64_t cols, const float* gamma, const float* mean,
                               const float* rstd, const float* dy, float* dx) {
  const int lane = threadIdx.x & 31;
  for (int64_t r = int64_t(blockIdx.x) * kRowWarps + threadIdx.x / 32; r < rows; r += int64_t(gridDim.x) * kRowWarps) {
    const int64_t o = r * cols;
    const float m = mean[r], rs = rstd[r];
    double s1 = 0, s2 = 0;
    for (int64_t c = lane; c < cols; c += 32) {
      const float g = dy[o + c] * (gamma ? gamma[c] : 1.f);
      s1 += g;
      s2 += double(g) * ((x[o + c] - m) * rs);
    }
    const float m1 = float(WarpSumD(s1) / double(cols)), m2 = float(WarpSumD(s2) / double(cols));
    __syncwarp();
    for (int64_t c = lane; c < cols; c += 32) {
      const float xh = (x[o + c] - m) * rs;
      dx[o + c] = rs * (dy[o + c] * (gamma ? gamma[c] : 1.f) - m1 - xh * m2);
    }
  }
}

}  // namespace

void LayerNorm(const float* x, int64_t rows, int64_t cols, const float* gamma, const float* beta, float eps, float* y,
               float* mean, float* rstd, cudaStream_t st) {
  if (rows <= 0 || cols <= 0) return;
  LayerNormK<<<RowGrid(rows), 32 * kRowWarps, 0, st>>>(x, rows, cols, gamma, beta, eps, y, mean, rstd);
  CheckLaunch("LayerNorm");
}

void LayerNormGrad(const float* x, int64_t rows, int64_t cols, const float* gamma, const float* mean, const float* rstd,
                   const float* dy, float* dx, float* dgamma, float* dbeta, cudaStream_t st) {
  if (cols <= 0) return;
  // The column sums read dy before dx (which may be dy) is written.
  if (dgamma) ColumnDotNormalized(dy, x, mean, rstd, rows, cols, dgamma, st);
  if (dbeta) SumRows(dy, rows, cols, dbeta, st);
  if (dx && rows > 0) {
    LayerNormGradK<<<RowGrid(rows), 32 * kRowWarps, 0, st>>>(x, rows, cols, gamma, mean, rstd, dy, dx);
    CheckLaunch("LayerNormGrad");
  }
}

}  // namespace qc
