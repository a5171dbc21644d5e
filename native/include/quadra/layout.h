// Data-movement kernels (permute, window copy, roll, gather/scatter-add) and row-wise softmax.
// All float32 row-major, plain pointers; shapes as int64 arrays of at most kMaxDims axes. The
// binding checks buffer lengths and aliasing; these recheck the geometry (QUADRA_CHECK_ARG) before
// any work starts and never throw from inside a parallel region.
#pragma once
#include <cstdint>

namespace quadra {

constexpr int kMaxDims = 8;

// ---- native/cpu/permute.cc ----
// out = x.transpose(perm): out.shape[i] = shape[perm[i]]. out must not overlap x.
void Permute(int ndim, const int64_t* shape, const int* perm, const float* x, float* out);

// ---- native/cpu/copy_window.cc ----
// Forward: writes `small` (shape small_shape) into `big` (shape big_shape) at per-axis `offsets`.
// Reverse: reads the window of `big` at `offsets` into `small`. The two must not overlap.
void CopyWindow(int ndim, const int64_t* small_shape, const int64_t* big_shape, const int64_t* offsets,
                const float* src, float* dst, bool reverse);

// ---- native/cpu/roll.cc ----
// out[(i + shifts) mod shape] = x[i] per axis (shifts of any sign). out must not overlap x.
void Roll(int ndim, const int64_t* shape, const int64_t* shifts, const float* x, float* out);

// ---- native/cpu/gather.cc ----
// x viewed as [outer, n, inner]; out as [outer, m, inner] with m = number of indices.
// out[o, j, :] = x[o, idx[j], :].
void Gather(int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, const float* x, float* out);
// The backward: dx[o, idx[j], :] += dy[o, j, :], duplicates added in index order (deterministic).
void ScatterAdd(int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, const float* dy, float* dx);

// ---- native/cpu/softmax.cc ----
// Row-wise softmax (log: log-softmax) of [rows, cols]; out may be x exactly.
void Softmax(int64_t rows, int64_t cols, const float* x, float* out, bool log);
// From the forward's output y: dx = y (dy - sum(dy y)), or for log-softmax dx = dy - exp(y) sum(dy).
// dx may be dy exactly.
void SoftmaxGrad(int64_t rows, int64_t cols, const float* y, const float* dy, float* dx, bool log);
// Mean label-smoothed cross-entropy (PyTorch's label_smoothing) of the rows of `logits`;
// probs receives softmax(logits) for the backward (probs may be logits exactly).
double CrossEntropy(int64_t rows, int64_t cols, const float* logits, const int32_t* labels, float smoothing,
                    float* probs);
// dx = (probs - target) scale, target = (1 - smoothing) onehot(label) + smoothing / cols.
void CrossEntropyGrad(int64_t rows, int64_t cols, const float* probs, const int32_t* labels, float smoothing,
                      float scale, float* dx);

}  // namespace quadra
