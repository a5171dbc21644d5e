// NumPy broadcasting: one thread per output element decomposes its index over the output shape
// and sums the operands' strides (0 on broadcast axes). The host folds the strides (broadcast.cc).
#include "qcuda/launch.cuh"

namespace qc {
namespace {

__global__ void BroadcastK(int op, const float* a, const float* b, float* out, NdIndex ix, int64_t n) {
  QC_GRID_STRIDE(i, n) {
    int64_t rem = i, ia = 0, ib = 0;
    for (int d = ix.nd - 1; d >= 0; --d) {
      const int64_t q = rem / ix.shape[d], r = rem - q * ix.shape[d];
      ia += r * ix.stride[d];
      ib += r * ix.stride2[d];
      rem = q;
    }
    out[i] = ApplyOp(op, a[ia], b[ib]);
  }
}

}  // namespace

void BroadcastBinary(BinOp op, const float* a, const float* b, float* out, const NdIndex& ix, cudaStream_t st) {
  int64_t n = 1;
  for (int d = 0; d < ix.nd; ++d) n *= ix.shape[d];
  if (n <= 0) return;
  BroadcastK<<<GridFor(n), kThreads, 0, st>>>(int(op), a, b, out, ix, n);
  CheckLaunch("BroadcastBinary");
}

}  // namespace qc
