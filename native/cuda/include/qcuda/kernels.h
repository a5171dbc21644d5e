// Host entry points of the CUDA kernels, one group per .cu file. All float32, row-major (NHWC for
// convolutions), device pointers; every launch goes on `st` and is checked (CheckLaunch). The glue
// has already checked lengths against the shapes; these check only what the kernels themselves
// need (e.g. sizes that fit their index types) and throw ArgError.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

namespace qc {

constexpr int kMaxDims = 8;

enum class BinOp : int { Add = 0, Sub = 1, Mul = 2, Div = 3 };

// Shapes and strides by value for N-d kernels (at most kMaxDims axes).
struct NdIndex {
  int nd = 0;
  int64_t shape[kMaxDims] = {};
  int64_t stride[kMaxDims] = {};  // per output axis: the stride in the source (0 = broadcast)
  int64_t stride2[kMaxDims] = {}; // a second operand's strides (broadcast b, roll/window target)
};

struct ConvDims {
  int n, h, w, c, k;
  int64_t Elements() const { return int64_t(n) * h * w * c; }
};

struct QuadW {
  const float *wa, *ba, *wb, *bb, *wc, *bc;  // biases may be null
};
struct QuadG {
  float *dx, *dwa, *dba, *dwb, *dbb, *dwc, *dbc;
};

struct Conv2dGeom {
  int64_t n, h, w, c, kh, kw, stride, pad, ho, wo;
};

// ---- elementwise.cu ----
void Fill(float* p, float value, int64_t n, cudaStream_t st);
void Axpy(float alpha, const float* x, float* y, int64_t n, cudaStream_t st);
void Scale(const float* x, float alpha, float* out, int64_t n, cudaStream_t st);
// bcols: n (same shape), cols (b is one row repeated), or 0 (b[0] is a scalar).
void Binary(BinOp op, const float* a, const float* b, float* out, int64_t n, int64_t bcols, cudaStream_t st);
void RowScale(const float* x, int64_t rows, int64_t cols, const float* s, float* out, cudaStream_t st);
// out = x + gamma[c] (s z); dz = s (dy gamma[c]) (null x: dz mode); s (optional) has one factor
// per `per` elements.
void ScaleAdd(const float* x, const float* z, const float* gamma, int64_t cols, float* out, int64_t n, cudaStream_t st,
              const float* s = nullptr, int64_t per = 1);
void RowBroadcast(const float* row, int64_t rows, int64_t cols, float* out, cudaStream_t st);  // out[r,:] = row

// ---- gelu.cu ----
void Gelu(const float* x, float* y, int64_t n, cudaStream_t st);
void GeluGrad(const float* x, const float* dy, float* dx, int64_t n, cudaStream_t st);
void BiasGelu(float* h, const float* bias, int64_t cols, float* y, int64_t n, cudaStream_t st);

// ---- broadcast.cu ----  out (ix.shape) = a op b with strides ix.stride (a) and ix.stride2 (b)
void BroadcastBinary(BinOp op, const float* a, const float* b, float* out, const NdIndex& ix, cudaStream_t st);

// ---- reduce.cu ----
// Column reductions of [rows, cols]: out[c] = Σ_r f(r, c), deterministic (two passes, no atomics).
void SumRows(const float* x, int64_t rows, int64_t cols, float* out, cudaStream_t st);
// Σ_r a[r,c] (s_r b[r,c]); s (optional) has one factor per `rows_per` rows.
void ColumnDot(const float* a, const float* b, int64_t rows, int64_t cols, float* out, cudaStream_t st,
               const float* s = nullptr, int64_t rows_per = 1);
// Σ_r dy[r,c] (x[r,c] - mean[r]) rstd[r]: LayerNorm's dgamma.
void ColumnDotNormalized(const float* dy, const float* x, const float* mean, const float* rstd, int64_t rows,
                         int64_t cols, float* out, cudaStream_t st);
// x split into kept axes (out is their row-major product) and reduced axes, each with x strides.
struct ReduceIndex {
  int nk = 0, nr = 0;
  int64_t kshape[kMaxDims] = {}, kstride[kMaxDims] = {};
  int64_t rshape[kMaxDims] = {}, rstride[kMaxDims] = {};
};
// out[o] = Σ over the reduced axes of x (float64 accumulation).
void ReduceSum(const float* x, const ReduceIndex& ix, float* out, cudaStream_t st);

// ---- layernorm.cu ----
void LayerNorm(const float* x, int64_t rows, int64_t cols, const float* gamma, const float* beta, float eps, float* y,
               float* mean, float* rstd, cudaStream_t st);
void LayerNormGrad(const float* x, int64_t rows, int64_t cols, const float* gamma, const float* mean, const float* rstd,
                   const float* dy, float* dx, float* dgamma, float* dbeta, cudaStream_t st);

// ---- softmax.cu ----
void Softmax(const float* x, int64_t rows, int64_t cols, float* out, bool log, cudaStream_t st);
void SoftmaxGrad(const float* y, const float* dy, int64_t rows, int64_t cols, float* dx, bool log, cudaStream_t st);

// ---- cross_entropy.cu ---- labels are device int32 (checked in range by the glue).
double CrossEntropy(const float* logits, int64_t rows, int64_t cols, const int32_t* labels, float smoothing,
                    float* probs, cudaStream_t st);  // synchronises
void CrossEntropyGrad(const float* probs, int64_t rows, int64_t cols, const int32_t* labels, float smoothing,
                      float scale, float* dx, cudaStream_t st);

// ---- optim.cu ----
struct AdamWHyper { float lr, beta1, beta2, eps, weight_decay; double step; };
struct SgdHyper { float lr, momentum, dampening, weight_decay; bool nesterov; bool first_step; };
void AdamW(float* p, const float* g, float* m, float* v, int64_t n, const AdamWHyper& h, cudaStream_t st);
void Sgd(float* p, const float* g, float* buf, int64_t n, const SgdHyper& h, cudaStream_t st);

// ---- im2col.cu ----
void Im2Col(const float* x, const Conv2dGeom& g, float* cols, cudaStream_t st);
void Col2Im(const float* cols, const Conv2dGeom& g, float* dx, cudaStream_t st);  // overwrites dx

// ---- layout.cu ----
// out (ix.shape) [i] = x[Σ idx_d ix.stride[d]]: permute (strides permuted) and window reads.
void StridedCopy(const float* x, float* out, const NdIndex& ix, cudaStream_t st);
// out[Σ idx_d ix.stride2[d]] = x[i] for i over ix.shape (row-major): window writes.
void ScatterCopy(const float* x, float* out, const NdIndex& ix, cudaStream_t st);
// ix.stride2 holds the shifts, normalised to [0, shape).
void Roll(const float* x, float* out, const NdIndex& ix, cudaStream_t st);
void Gather(const float* x, int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, float* out,
            cudaStream_t st);
void ScatterAdd(const float* x, int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, float* out,
                cudaStream_t st);

// ---- gemm.cu (cuBLAS) ----
void Gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, const float* b, float beta,
          float* c, cudaStream_t st);
void Linear(const float* x, const float* w, const float* b, float* y, int64_t rows, int64_t in, int64_t out,
            cudaStream_t st);
void LinearGrad(const float* x, const float* w, const float* dy, int64_t rows, int64_t in, int64_t out, float* dx,
                float* dw, float* db, cudaStream_t st);

// ---- quadconv_fwd.cu / quadconv_bwd.cu / dwconv.cu ----
void QuadConv2d(const ConvDims& s, const float* x, const QuadW& w, float* y, float* sa, float* sb,
                     cudaStream_t st);
// sa/sb null: A and B are recomputed into scratch blocks.
void QuadConv2dGrad(const ConvDims& s, const float* x, const QuadW& w, const float* dy, const float* sa,
                      const float* sb, const QuadG& g, cudaStream_t st);
void DwConv2d(const ConvDims& s, const float* x, const float* w, const float* b, float* y, cudaStream_t st);
void DwConv2dGrad(const ConvDims& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                    float* db, cudaStream_t st);

}  // namespace qc
