// GELU, erf form (as PyTorch's default and the reference): gelu(x) = x Φ(x). Φ via erfcf so that
// the left tail keeps relative precision (1 + erf(x/√2) cancels for x << 0).
#include "qcuda/launch.cuh"

namespace qc {
namespace {

__device__ __forceinline__ float TwicePhi(float x) {
  // 2Φ(x) = erfc(-x/√2)
  return erfcf(-x * 0.70710678118654752f);
}
__device__ __forceinline__ float GeluF(float x) { return 0.5f * x * TwicePhi(x); }
__device__ __forceinline__ float GeluGradF(float x) {
  return 0.5f * TwicePhi(x) + x * expf(-0.5f * x * x) * 0.39894228040143268f;  // Φ(x) + x φ(x)
}

__global__ void GeluK(const float* x, float* y, int64_t n) { QC_GRID_STRIDE(i, n) y[i] = GeluF(x[i]); }
__global__ void GeluGradK(const float* x, const float* dy, float* dx, int64_t n) {
  QC_GRID_STRIDE(i, n) dx[i] = dy[i] * GeluGradF(x[i]);
}
__global__ void BiasGeluK(float* h, const float* bias, int64_t cols, float* y, int64_t n) {
  QC_GRID_STRIDE(i, n) {
    float v = h[i];
    if (bias) {
      v += bias[i % cols];
      h[i] = v;  // the pre-activation is kept for the backward
    }
    y[i] = GeluF(v);
  }
}

}  // namespace

void Gelu(const float* x, float* y, int64_t n, cudaStream_t st) {
  if (n <= 0) return;
  GeluK<<<GridFor(n), kThreads, 0, st>>>(x, y, n);
  CheckLaunch("Gelu");
}
void GeluGrad(const float* x, const float* dy, float* dx, int64_t n, cudaStream_t st) {
  if (n <= 0) return;
  GeluGradK<<<GridFor(n), kThreads, 0, st>>>(x, dy, dx, n);
  CheckLaunch("GeluGrad");
}
void BiasGelu(float* h, const float* bias, int64_t cols, float* y, int64_t n, cudaStream_t st) {
  if (n <= 0) return;
  BiasGeluK<<<GridFor(n), kThreads, 0, st>>>(h, bias, cols > 0 ? cols : 1, y, n);
  CheckLaunch("BiasGelu");
}

}  // namespace qc
