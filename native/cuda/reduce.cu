// Reductions. Column reductions ([rows, cols] -> [cols]) are the bias / gamma gradients: blocks of
// 32 columns x 8 row lanes, each block summing a slice of rows, then a second pass over the slices
// (deterministic: no atomics). Accumulation in float64: these sums run over up to millions of rows.
#include <vector>

#include "qcuda/allocator.h"
#include "qcuda/launch.cuh"

namespace qc {
namespace {

struct SumF {
  const float* x;
  __device__ double operator()(int64_t r, int64_t c, int64_t cols) const { return x[r * cols + c]; }
};
struct DotF {
  const float *a, *b, *s;  // s: optional per-sample factors of b, one per rows_per rows
  int64_t rows_per;
  __device__ double operator()(int64_t r, int64_t c, int64_t cols) const {
    const float f = s ? s[r / rows_per] : 1.f;  // a factor of 1 multiplies exactly
    return f == 0.f ? 0.0 : double(a[r * cols + c]) * (f * b[r * cols + c]);
  }
};
struct NormDotF {
  const float *dy, *x, *mean, *rstd;
  __device__ double operator()(int64_t r, int64_t c, int64_t cols) const {
    const int64_t i = r * cols + c;
    return double(dy[i]) * ((x[i] - mean[r]) * rstd[r]);
  }
};

template <class F>
__global__ void ColumnPartialK(F f, int64_t rows, int64_t cols, int splits, double* partial) {
  __shared__ double red[8][33];
  const int64_t c = int64_t(blockIdx.x) * 32 + threadIdx.x;
  double acc = 0;
  if (c < cols) {
    for (int64_t r = int64_t(blockIdx.y) * 8 + threadIdx.y; r < rows; r += int64_t(splits) * 8) acc += f(r, c, cols);
  }
  red[threadIdx.y][threadIdx.x] = acc;
  __syncthreads();
  if (threadIdx.y == 0 && c < cols) {
    double s = 0;
    for (int i = 0; i < 8; ++i) s += red[i][threadIdx.x];
    partial[int64_t(blockIdx.y) * cols + c] = s;
  }
}

__global__ void ColumnFinishK(const double* partial, int splits, int64_t cols, float* out) {
  QC_GRID_STRIDE(c, cols) {
    double s = 0;
    for (int i = 0; i < splits; ++i) s += partial[int64_t(i) * cols + c];
    out[c] = float(s);
  }
}

template <class F>
void ColumnReduce(F f, int64_t rows, int64_t cols, float* out, cudaStream_t st, const char* name) {
  if (cols <= 0) return;
  if (rows <= 0) {
    Fill(out, 0.f, cols, st);
    return;
  }
  const int64_t col_blocks = (cols + 31) / 32;
  if (col_blocks > 65535 * 1024LL) throw ArgError(std::string(name) + ": too many columns");
  // Enough slices to fill the GPU (~1k blocks), each still summing a few hundred rows.
  int64_t splits = std::min<int64_t>({(rows + 255) / 256, std::max<int64_t>(1, 1024 / col_blocks), 65535});
  splits = std::max<int64_t>(splits, 1);
  Scratch partial(size_t(splits * cols) * sizeof(double));
  dim3 grid{unsigned(col_blocks), unsigned(splits)};
  ColumnPartialK<<<grid, dim3(32, 8), 0, st>>>(f, rows, cols, int(splits), partial.as<double>());
  CheckLaunch(name);
  ColumnFinishK<<<GridFor(cols), kThreads, 0, st>>>(partial.as<double>(), int(splits), cols, out);
  CheckLaunch(name);
}

// One warp per output element when the reduced extent is large, one thread otherwise.
template <bool kWarp>
__global__ void ReduceSumK(const float* x, ReduceIndex ix, int64_t out_n, int64_t red_n, float* out) {
  const int lane = kWarp ? threadIdx.x & 31 : 0;
  const int64_t per_block = kWarp ? blockDim.x / 32 : blockDim.x;
  const int64_t first = int64_t(blockIdx.x) * per_block + (kWarp ? threadIdx.x / 32 : threadIdx.x);
  for (int64_t o = first; o < out_n; o += int64_t(gridDim.x) * per_block) {
    int64_t rem = o, base = 0;
    for (int d = ix.nk - 1; d >= 0; --d) {
      const int64_t q = rem / ix.kshape[d];
      base += (rem - q * ix.kshape[d]) * ix.kstride[d];
      rem = q;
    }
    double acc = 0;
    for (int64_t r = lane; r < red_n; r += (kWarp ? 32 : 1)) {
      int64_t rr = r, off = base;
      for (int d = ix.nr - 1; d >= 0; --d) {
        const int64_t q = rr / ix.rshape[d];
        off += (rr - q * ix.rshape[d]) * ix.rstride[d];
        rr = q;
      }
      acc += x[off];
    }
    if (kWarp) acc = WarpSumD(acc);
    if (lane == 0) out[o] = float(acc);
  }
}

}  // namespace

void SumRows(const float* x, int64_t rows, int64_t cols, float* out, cudaStream_t st) {
  ColumnReduce(SumF{x}, rows, cols, out, st, "SumRows");
}
void ColumnDot(const float* a, const float* b, int64_t rows, int64_t cols, float* out, cudaStream_t st,
               const float* s, int64_t rows_per) {
  ColumnReduce(DotF{a, b, s, rows_per}, rows, cols, out, st, "ColumnDot");
}
void ColumnDotNormalized(const float* dy, const float* x, const float* mean, const float* rstd, int64_t rows,
                         int64_t cols, float* out, cudaStream_t st) {
  ColumnReduce(NormDotF{dy, x, mean, rstd}, rows, cols, out, st, "LayerNormGrad dgamma");
}

void ReduceSum(const float* x, const ReduceIndex& ix, float* out, cudaStream_t st) {
  int64_t out_n = 1, red_n = 1;
  for (int d = 0; d < ix.nk; ++d) out_n *= ix.kshape[d];
  for (int d = 0; d < ix.nr; ++d) red_n *= ix.rshape[d];
  if (out_n <= 0) return;
  if (red_n == 0) {
    Fill(out, 0.f, out_n, st);
    return;
  }
  if (red_n >= 32) {
    ReduceSumK<true><<<GridFor(out_n * 32), kThreads, 0, st>>>(x, ix, out_n, red_n, out);
  } else {
    ReduceSumK<false><<<GridFor(out_n), kThreads, 0, st>>>(x, ix, out_n, red_n, out);
  }
  CheckLaunch("ReduceSum");
}

}  // namespace qc
