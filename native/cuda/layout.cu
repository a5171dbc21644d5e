// Data movement: strided copies (permute, window reads), window writes, roll, gather and its
// scatter-add. One thread per element, index decomposed over the iteration shape; the host
// (binding/layout.cc) folds permutations and windows into strides.
#include "qcuda/launch.cuh"

namespace qc {
namespace {

__device__ __forceinline__ void Decompose(const NdIndex& ix, int64_t i, int64_t* a, int64_t* b) {
  int64_t rem = i, oa = 0, ob = 0;
  for (int d = ix.nd - 1; d >= 0; --d) {
    const int64_t q = rem / ix.shape[d], r = rem - q * ix.shape[d];
    oa += r * ix.stride[d];
    ob += r * ix.stride2[d];
    rem = q;
  }
  *a = oa;
  *b = ob;
}

__global__ void StridedCopyK(const float* x, float* out, NdIndex ix, int64_t n) {
  QC_GRID_STRIDE(i, n) {
    int64_t src, unused;
    Decompose(ix, i, &src, &unused);
    out[i] = x[src];
  }
}

__global__ void ScatterCopyK(const float* x, float* out, NdIndex ix, int64_t n) {
  QC_GRID_STRIDE(i, n) {
    int64_t unused, dst;
    Decompose(ix, i, &unused, &dst);
    out[dst] = x[i];
  }
}

__global__ void RollK(const float* x, float* out, NdIndex ix, int64_t n) {
  QC_GRID_STRIDE(i, n) {
    int64_t rem = i, dst = 0;
    for (int d = ix.nd - 1; d >= 0; --d) {
      const int64_t q = rem / ix.shape[d], r = rem - q * ix.shape[d];
      int64_t t = r + ix.stride2[d];
      if (t >= ix.shape[d]) t -= ix.shape[d];
      dst += t * ix.stride[d];
      rem = q;
    }
    out[dst] = x[i];
  }
}

__global__ void GatherK(const float* x, int64_t n, int64_t inner, const int32_t* idx, int64_t m, float* out,
                        int64_t total, bool scatter) {
  QC_GRID_STRIDE(i, total) {
    const int64_t in = i % inner, t = i / inner, j = t % m, o = t / m;
    const int64_t full = (o * n + idx[j]) * inner + in;
    if (scatter) atomicAdd(out + full, x[i]);  // duplicate indices add up (order not fixed)
    else out[i] = x[full];
  }
}

int64_t Count(const NdIndex& ix) {
  int64_t n = 1;
  for (int d = 0; d < ix.nd; ++d) n *= ix.shape[d];
  return n;
}

}  // namespace

void StridedCopy(const float* x, float* out, const NdIndex& ix, cudaStream_t st) {
  const int64_t n = Count(ix);
  if (n <= 0) return;
  StridedCopyK<<<GridFor(n), kThreads, 0, st>>>(x, out, ix, n);
  CheckLaunch("StridedCopy");
}
void ScatterCopy(const float* x, float* out, const NdIndex& ix, cudaStream_t st) {
  const int64_t n = Count(ix);
  if (n <= 0) return;
  ScatterCopyK<<<GridFor(n), kThreads, 0, st>>>(x, out, ix, n);
  CheckLaunch("ScatterCopy");
}
void Roll(const float* x, float* out, const NdIndex& ix, cudaStream_t st) {
  const int64_t n = Count(ix);
  if (n <= 0) return;
  RollK<<<GridFor(n), kThreads, 0, st>>>(x, out, ix, n);
  CheckLaunch("Roll");
}
void Gather(const float* x, int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, float* out,
            cudaStream_t st) {
  const int64_t total = outer * m * inner;
  if (total <= 0) return;
  GatherK<<<GridFor(total), kThreads, 0, st>>>(x, n, inner, idx, m, out, total, false);
  CheckLaunch("Gather");
}
void ScatterAdd(const float* x, int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, float* out,
                cudaStream_t st) {
  const int64_t total = outer * m * inner;
  if (total <= 0) return;
  GatherK<<<GridFor(total), kThreads, 0, st>>>(x, n, inner, idx, m, out, total, true);
  CheckLaunch("ScatterAdd");
}

}  // namespace qc
