// Launch helpers shared by the .cu files: grid sizes for grid-stride loops, warp reductions.
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "qcuda/check.h"
#include "qcuda/kernels.h"

namespace qc {

constexpr int kThreads = 256;

// Blocks for a grid-stride loop over n elements: enough to fill the GPU, capped so that huge n
// loop inside the kernel instead of launching millions of blocks.
inline unsigned GridFor(int64_t n, int threads = kThreads) {
  int64_t b = (n + threads - 1) / threads;
  return unsigned(std::max<int64_t>(1, std::min<int64_t>(b, 65536)));
}

#define QC_GRID_STRIDE(i, n) \
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

__device__ __forceinline__ float WarpSum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ __forceinline__ double WarpSumD(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ __forceinline__ float WarpMax(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

__device__ __forceinline__ float ApplyOp(int op, float a, float b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    default: return a / b;
  }
}

// Rows handled one warp each: blocks of 8 warps.
constexpr int kRowWarps = 8;
inline unsigned RowGrid(int64_t rows) {
  return unsigned(std::max<int64_t>(1, std::min<int64_t>((rows + kRowWarps - 1) / kRowWarps, 1 << 20)));
}

}  // namespace qc
