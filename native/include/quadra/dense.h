// Dense kernels the tensor core calls on hot paths: linear layers (over Sgemm), layer norm, GELU,
// elementwise/broadcast arithmetic, reductions and fused optimizer steps. All float32 row-major,
// plain pointers; the binding checks buffer lengths and aliasing, these check sizes and never abort.
#pragma once
#include <cstdint>

namespace quadra {

// ---- linear (native/cpu/linear.cc): PyTorch layout, w is [out, in] ----
struct LinearDims {
  int64_t rows, in, out;
};
// y[rows, out] = x[rows, in] * w^T + bias (bias may be null).
void Linear(const LinearDims& d, const float* x, const float* w, const float* bias, float* y);
// dx = dy * w, dw = dy^T * x, db = column sums of dy (overwritten). A null output is skipped.
void LinearGrad(const LinearDims& d, const float* x, const float* w, const float* dy, float* dx, float* dw,
                float* db);

// ---- packed linear, for inference (native/cpu/dense_linear_packed.cc) ----
// The weights are packed once (LinearPack) into the layout the GEMM provider reads fastest:
// oneDNN's blocked matmul weights on x86-64 (their size depends on the CPU's ISA, so a packed
// buffer is only good in the process that packed it), a plain copy of w with OpenBLAS.
enum class LinearAct { kNone, kGelu };
// Floats LinearPack writes for w [out, in] (d.rows is not used).
int64_t LinearPackedLength(const LinearDims& d);
void LinearPack(const LinearDims& d, const float* w, float* packed);
// y = act(x * w^T + bias) + residual, w packed by LinearPack for the same in/out; bias and
// residual ([rows, out]) may be null; y must not overlap x, packed, bias or residual.
void LinearPacked(const LinearDims& d, const float* x, const float* packed, const float* bias, LinearAct act,
                  const float* residual, float* y);

// ---- layer norm over the last axis (native/cpu/layernorm.cc) ----
// y = (x - mean) * rstd * gamma + beta; gamma/beta may be null (1 and 0). mean/rstd: [rows].
void LayerNorm(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* beta,
                      float eps, float* y, float* mean, float* rstd);
// Any of dx, dgamma, dbeta may be null (skipped). dgamma/dbeta are overwritten.
void LayerNormGrad(int64_t rows, int64_t cols, const float* x, const float* gamma, const float* mean,
                       const float* rstd, const float* dy, float* dx, float* dgamma, float* dbeta);

// ---- GELU, erf form (native/cpu/gelu.cc) ----
void Gelu(int64_t n, const float* x, float* y);
// dx = dy * gelu'(x)
void GeluGrad(int64_t n, const float* x, const float* dy, float* dx);
// h[r, :] += bias (in place), y = gelu(h), in one pass.
void BiasGelu(int64_t rows, int64_t cols, float* h, const float* bias, float* y);
// dh = dy * gelu'(h) over [rows, cols], and db (may be null) = column sums of dh, in one pass.
// dh may be h or dy exactly.
void BiasGeluGrad(int64_t rows, int64_t cols, const float* h, const float* dy, float* dh, float* db);

// ---- elementwise and broadcast (native/cpu/elementwise.cc) ----
enum class BinaryOp { kAdd, kSub, kMul, kDiv };
// out[i] = a[i] op b[i]. out may be a or b exactly.
void BinarySame(BinaryOp op, int64_t n, const float* a, const float* b, float* out);
// out[r, c] = a[r, c] op b[c]. out may be a exactly.
void BinaryRow(BinaryOp op, int64_t rows, int64_t cols, const float* a, const float* b, float* out);
// out[i] = a[i] op s. out may be a exactly.
void BinaryScalar(BinaryOp op, int64_t n, const float* a, float s, float* out);
// out = alpha * x (out may be x exactly).
void Scale(int64_t n, const float* x, float alpha, float* out);
// y += alpha * x
void Axpy(int64_t n, float alpha, const float* x, float* y);
// out[r, :] = s[r] x[r, :]; rows whose s[r] is 0 become 0 (even where x is not finite).
void RowScale(int64_t rows, int64_t cols, const float* x, const float* s, float* out);

// ---- fused residual (native/cpu/elementwise_scale_add.cc) ----
// Optional per-sample factors of the branch z (drop path): row r's factor is s[r / rows_per].
struct SampleScale {
  const float* s = nullptr;
  int64_t rows_per = 1;
};
// out[r, c] = x[r, c] + gamma[c] * (s_r z[r, c]) (out may be x exactly); a zero s_r gives out = x.
void ScaleAdd(int64_t rows, int64_t cols, const float* x, const float* z, const float* gamma, float* out,
              SampleScale ss = {});
// dz = s_r (dy * gamma), dgamma = sum over rows of dy * (s_r z); either may be null.
void ScaleAddGrad(int64_t rows, int64_t cols, const float* z, const float* gamma, const float* dy,
                  float* dz, float* dgamma, SampleScale ss = {});

// ---- reductions (native/cpu/reduce.cc) ----
// out[c] = sum_r x[r, c].
void SumRows(int64_t rows, int64_t cols, const float* x, float* out);

// ---- optimizer steps, in place (native/cpu/optim.cc) ----
struct AdamWParams {
  float lr, beta1, beta2, eps, weight_decay;
  int64_t step;  // >= 1, the step being taken (bias correction)
};
void AdamW(int64_t n, float* param, const float* grad, float* m, float* v, const AdamWParams& p);

struct SgdParams {
  float lr, momentum, dampening, weight_decay;
  bool nesterov;
  bool first_step;  // the momentum buffer holds no history yet: it is set to the gradient
};
// momentum_buf may be null only when momentum == 0.
void Sgd(int64_t n, float* param, const float* grad, float* momentum_buf, const SgdParams& p);

}  // namespace quadra
