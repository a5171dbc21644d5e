// Elementwise kernels: fill, axpy, scale, binary (same / row / scalar), row scale, scale-add.
// Grid-stride loops; memory-bound, so plain scalar code (the loads coalesce).
#include "qcuda/launch.cuh"

namespace qc {
namespace {

__global__ void FillK(float* p, float v, int64_t n) { QC_GRID_STRIDE(i, n) p[i] = v; }
__global__ void AxpyK(float alpha, const float* x, float* y, int64_t n) { QC_GRID_STRIDE(i, n) y[i] += alpha * x[i]; }
__global__ void ScaleK(const float* x, float alpha, float* out, int64_t n) { QC_GRID_STRIDE(i, n) out[i] = alpha * x[i]; }

__global__ void BinaryK(int op, const float* a, const float* b, float* out, int64_t n, int64_t bcols) {
  QC_GRID_STRIDE(i, n) {
    float bv = bcols == 0 ? b[0] : (bcols == n ? b[i] : b[i % bcols]);
    out[i] = ApplyOp(op, a[i], bv);
  }
}

__global__ void RowScaleK(const float* x, int64_t cols, const float* s, float* out, int64_t n) {
  QC_GRID_STRIDE(i, n) {
    float f = s[i / cols];
    out[i] = f == 0.f ? 0.f : f * x[i];  // a dropped sample is exactly 0 even where x is inf/NaN
  }
}

// s (optional): one factor per `per` elements (a sample), applied as a separate RowScale pass would
// round it: to z before gamma when adding to x, to z * gamma in dz mode; 0 gives exact zeros.
__global__ void ScaleAddK(const float* x, const float* z, const float* gamma, int64_t cols, const float* s,
                          int64_t per, float* out, int64_t n) {
  QC_GRID_STRIDE(i, n) {
    const float g = gamma[i % cols];
    const float f = s ? s[i / per] : 1.f;  // a factor of 1 multiplies exactly
    if (x) out[i] = f == 0.f ? x[i] : x[i] + g * (f * z[i]);
    else out[i] = f == 0.f ? 0.f : f * (z[i] * g);
  }
}

__global__ void RowBroadcastK(const float* row, int64_t cols, float* out, int64_t n) {
  QC_GRID_STRIDE(i, n) out[i] = row[i % cols];
}

}  // namespace

void Fill(float* p, float v, int64_t n, cudaStream_t st) {
  if (n <= 0) return;
  FillK<<<GridFor(n), kThreads, 0, st>>>(p, v, n);
  CheckLaunch("Fill");
}
void Axpy(float alpha, const float* x, float* y, int64_t n, cudaStream_t st) {
  if (n <= 0) return;
  AxpyK<<<GridFor(n), kThreads, 0, st>>>(alpha, x, y, n);
  CheckLaunch("Axpy");
}
void Scale(const float* x, float alpha, float* out, int64_t n, cudaStream_t st) {
  if (n <= 0) return;
  ScaleK<<<GridFor(n), kThreads, 0, st>>>(x, alpha, out, n);
  CheckLaunch("Scale");
}
void Binary(BinOp op, const float* a, const float* b, float* out, int64_t n, int64_t bcols, cudaStream_t st) {
  if (n <= 0) return;
  BinaryK<<<GridFor(n), kThreads, 0, st>>>(int(op), a, b, out, n, bcols);
  CheckLaunch("Binary");
}
void RowScale(const float* x, int64_t rows, int64_t cols, const float* s, float* out, cudaStream_t st) {
  const int64_t n = rows * cols;
  if (n <= 0) return;
  RowScaleK<<<GridFor(n), kThreads, 0, st>>>(x, cols, s, out, n);
  CheckLaunch("RowScale");
}
void ScaleAdd(const float* x, const float* z, const float* gamma, int64_t cols, float* out, int64_t n, cudaStream_t st,
              const float* s, int64_t per) {
  if (n <= 0 || cols <= 0) return;
  ScaleAddK<<<GridFor(n), kThreads, 0, st>>>(x, z, gamma, cols, s, per, out, n);
  CheckLaunch("ScaleAdd");
}
void RowBroadcast(const float* row, int64_t rows, int64_t cols, float* out, cudaStream_t st) {
  const int64_t n = rows * cols;
  if (n <= 0) return;
  RowBroadcastK<<<GridFor(n), kThreads, 0, st>>>(row, cols, out, n);
  CheckLaunch("RowBroadcast");
}

}  // namespace qc
