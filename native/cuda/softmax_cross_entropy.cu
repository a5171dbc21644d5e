// Label-smoothed cross-entropy (PyTorch's label_smoothing): per row
//   loss = -(1-ε) log p[label] - ε/C Σ_c log p[c],
// one warp per row writing the probabilities for the backward and the row loss; a single block
// then sums the row losses in float64 in a fixed order (deterministic) for the mean.
#include "qcuda/allocator.h"
#include "qcuda/launch.cuh"

namespace qc {
namespace {

__global__ void CrossEntropyRowsK(const float* x, int64_t rows, int64_t cols, const int32_t* labels, float eps,
                                  float* probs, double* row_loss) {
  const int lane = threadIdx.x & 31;
  for (int64_t r = int64_t(blockIdx.x) * kRowWarps + threadIdx.x / 32; r < rows; r += int64_t(gridDim.x) * kRowWarps) {
    const float* xr = x + r * cols;
    float* pr = probs + r * cols;
    float mx = -INFINITY;
    for (int64_t c = lane; c < cols; c += 32) mx = fmaxf(mx, xr[c]);
    mx = WarpMax(mx);
    double s = 0, sx = 0;
    for (int64_t c = lane; c < cols; c += 32) {
      s += exp(double(xr[c] - mx));
      sx += xr[c];
    }
    s = WarpSumD(s);
    sx = WarpSumD(sx);
    const double lse = double(mx) + log(s);
    const double logp_label = double(xr[labels[r]]) - lse;
    const double sum_log = sx - double(cols) * lse;
    __syncwarp();
    for (int64_t c = lane; c < cols; c += 32) pr[c] = float(exp(double(xr[c]) - lse));
    if (lane == 0) row_loss[r] = -(1.0 - eps) * logp_label - (double(eps) / double(cols)) * sum_log;
  }
}

__global__ void SumK(const double* v, int64_t n, double* out) {
  __shared__ double part[32];
  double s = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) s += v[i];
  s = WarpSumD(s);
  if ((threadIdx.x & 31) == 0) part[threadIdx.x / 32] = s;
  __syncthreads();
  if (threadIdx.x < 32) {
    double t = threadIdx.x < blockDim.x / 32 ? part[threadIdx.x] : 0.0;
    t = WarpSumD(t);
    if (threadIdx.x == 0) *out = t;
  }
}

__global__ void CrossEntropyGradK(const float* probs, int64_t rows, int64_t cols, const int32_t* labels, float eps,
                                  float scale, float* dx) {
  const int64_t n = rows * cols;
  QC_GRID_STRIDE(i, n) {
    const int64_t r = i / cols, c = i - r * cols;
    const float target = (c == labels[r] ? 1.f - eps : 0.f) + eps / float(cols);
    dx[i] = (probs[i] - target) * scale;
  }
}

}  // namespace

double CrossEntropy(const float* logits, int64_t rows, int64_t cols, const int32_t* labels, float smoothing,
                    float* probs, cudaStream_t st) {
  if (rows <= 0 || cols <= 0) return 0.0 / 0.0;  // mean over no rows (the reference gives NaN too)
  Scratch loss(size_t(rows + 1) * sizeof(double));
  double* d = loss.as<double>();
  CrossEntropyRowsK<<<RowGrid(rows), 32 * kRowWarps, 0, st>>>(logits, rows, cols, labels, smoothing, probs, d + 1);
  CheckLaunch("CrossEntropy");
  SumK<<<1, 1024, 0, st>>>(d + 1, rows, d);
  CheckLaunch("CrossEntropy (sum)");
  double total = 0;
  QC_CHECK(cudaMemcpyAsync(&total, d, sizeof(double), cudaMemcpyDeviceToHost, st));
  QC_CHECK(cudaStreamSynchronize(st));
  return total / double(rows);
}

void CrossEntropyGrad(const float* probs, int64_t rows, int64_t cols, const int32_t* labels, float smoothing,
                      float scale, float* dx, cudaStream_t st) {
  if (rows <= 0 || cols <= 0) return;
  CrossEntropyGradK<<<GridFor(rows * cols), kThreads, 0, st>>>(probs, rows, cols, labels, smoothing, scale, dx);
  CheckLaunch("CrossEntropyGrad");
}

}  // namespace qc
