// Row-wise softmax / log-softmax over the last axis, one warp per row (max-subtracted, sums in
// float64), and the backward from the forward's output.
#include "qcuda/launch.cuh"

namespace qc {
namespace {

__global__ void SoftmaxK(const float* x, int64_t rows, int64_t cols, float* out, bool use_log) {
  const int lane = threadIdx.x & 31;
  for (int64_t r = int64_t(blockIdx.x) * kRowWarps + threadIdx.x / 32; r < rows; r += int64_t(gridDim.x) * kRowWarps) {
    const float* xr = x + r * cols;
    float* yr = out + r * cols;
    float mx = -INFINITY;
    for (int64_t c = lane; c < cols; c += 32) mx = fmaxf(mx, xr[c]);
    mx = WarpMax(mx);
    double s = 0;
    for (int64_t c = lane; c < cols; c += 32) s += exp(double(xr[c] - mx));
    const float lse = mx + float(::log(WarpSumD(s)));
    __syncwarp();
    for (int64_t c = lane; c < cols; c += 32) yr[c] = use_log ? xr[c] - lse : expf(xr[c] - lse);
  }
}

__global__ void SoftmaxGradK(const float* y, const float* dy, int64_t rows, int64_t cols, float* dx, bool use_log) {
  const int lane = threadIdx.x & 31;
  for (int64_t r = int64_t(blockIdx.x) * kRowWarps + threadIdx.x / 32; r < rows; r += int64_t(gridDim.x) * kRowWarps) {
    const int64_t o = r * cols;
    double s = 0;
    for (int64_t c = lane; c < cols; c += 32) s += use_log ? double(dy[o + c]) : double(dy[o + c]) * y[o + c];
    const float sf = float(WarpSumD(s));
    __syncwarp();
    for (int64_t c = lane; c < cols; c += 32) {
      dx[o + c] = use_log ? dy[o + c] - expf(y[o + c]) * sf : y[o + c] * (dy[o + c] - sf);
    }
  }
}

}  // namespace

void Softmax(const float* x, int64_t rows, int64_t cols, float* out, bool log, cudaStream_t st) {
  if (rows <= 0 || cols <= 0) return;
  SoftmaxK<<<RowGrid(rows), 32 * kRowWarps, 0, st>>>(x, rows, cols, out, log);
  CheckLaunch("Softmax");
}
void SoftmaxGrad(const float* y, const float* dy, int64_t rows, int64_t cols, float* dx, bool log, cudaStream_t st) {
  if (rows <= 0 || cols <= 0) return;
  SoftmaxGradK<<<RowGrid(rows), 32 * kRowWarps, 0, st>>>(y, dy, rows, cols, dx, log);
  CheckLaunch("SoftmaxGrad");
}

}  // namespace qc
