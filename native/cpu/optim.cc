// Fused, in-place optimizer steps with PyTorch's formulas (torch.optim.AdamW and SGD, no
// amsgrad/maximize). Scalars that depend only on the step (bias corrections) are computed once in
// double; the element loop is one pass over param, grad and the state buffers.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "optim.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cmath>

#include "quadra/dense.h"
#include "quadra/errors.h"
#include "quadra/parallel.h"

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;

constexpr int64_t kGrain = int64_t(1) << 15;

// torch.optim.AdamW (decoupled weight decay):
//   p *= 1 - lr*wd;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
//   p -= (lr / (1-b1^t)) * m / (sqrt(v) / sqrt(1-b2^t) + eps)
void AdamWImpl(int64_t n, float* param, const float* grad, float* m, float* v, float decay, float b1, float b2,
               float step_size, float bc2_sqrt, float eps) {
  const int threads = PlanThreads(n, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const D d;
    const int64_t N = hn::Lanes(d);
    int64_t b, e;
    ThreadRange(n, 16, &b, &e);
    const auto vdecay = hn::Set(d, decay), vb1 = hn::Set(d, b1), vb2 = hn::Set(d, b2);
    const auto v1b1 = hn::Set(d, 1.0f - b1), v1b2 = hn::Set(d, 1.0f - b2);
    const auto vstep = hn::Set(d, step_size), vbc = hn::Set(d, bc2_sqrt), veps = hn::Set(d, eps);
    int64_t i = b;
    for (; i + N <= e; i += N) {
      const auto g = hn::LoadU(d, grad + i);
      const auto mi = hn::MulAdd(vb1, hn::LoadU(d, m + i), hn::Mul(v1b1, g));
      const auto vi = hn::MulAdd(vb2, hn::LoadU(d, v + i), hn::Mul(v1b2, hn::Mul(g, g)));
      hn::StoreU(mi, d, m + i);
      hn::StoreU(vi, d, v + i);
      const auto denom = hn::Add(hn::Div(hn::Sqrt(vi), vbc), veps);
      const auto p = hn::Mul(hn::LoadU(d, param + i), vdecay);
      hn::StoreU(hn::NegMulAdd(vstep, hn::Div(mi, denom), p), d, param + i);
    }
    for (; i < e; ++i) {
      const float g = grad[i];
      const float mi = b1 * m[i] + (1.0f - b1) * g;
      const float vi = b2 * v[i] + (1.0f - b2) * (g * g);
      m[i] = mi;
      v[i] = vi;
      const float denom = std::sqrt(vi) / bc2_sqrt + eps;
      param[i] = param[i] * decay - step_size * (mi / denom);
    }
  }
}

// torch.optim.SGD: g += wd p; buf = first ? g : mu buf + (1-damp) g; g = nesterov ? g + mu buf : buf;
// p -= lr g. Without momentum: p -= lr (g + wd p).
void SgdImpl(int64_t n, float* param, const float* grad, float* buf, float lr, float mu, float damp, float wd,
             bool nesterov, bool first) {
  const int threads = PlanThreads(n, kGrain);
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    int64_t b, e;
    ThreadRange(n, 16, &b, &e);
    // Scalar body: the compiler vectorises it for the target this clone is built for, and the
    // branches are loop-invariant.
    for (int64_t i = b; i < e; ++i) {
      float g = grad[i];
      if (wd != 0.0f) g += wd * param[i];
      if (mu != 0.0f) {
        const float bi = first ? g : mu * buf[i] + (1.0f - damp) * g;
        buf[i] = bi;
        g = nesterov ? g + mu * bi : bi;
      }
      param[i] -= lr * g;
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace quadra {

HWY_EXPORT(AdamWImpl);
HWY_EXPORT(SgdImpl);

void AdamW(int64_t n, float* param, const float* grad, float* m, float* v, const AdamWParams& p) {
  QUADRA_CHECK_ARG(n >= 0, "adamwStep: negative length");
  QUADRA_CHECK_ARG(p.step >= 1, "adamwStep: step must be >= 1");
  if (n == 0) return;
  const double bc1 = 1.0 - std::pow(double(p.beta1), double(p.step));
  const double bc2 = 1.0 - std::pow(double(p.beta2), double(p.step));
  const float step_size = float(double(p.lr) / bc1);
  const float bc2_sqrt = float(std::sqrt(bc2));
  const float decay = float(1.0 - double(p.lr) * double(p.weight_decay));
  HWY_DYNAMIC_DISPATCH(AdamWImpl)(n, param, grad, m, v, decay, p.beta1, p.beta2, step_size, bc2_sqrt, p.eps);
}

void Sgd(int64_t n, float* param, const float* grad, float* momentum_buf, const SgdParams& p) {
  QUADRA_CHECK_ARG(n >= 0, "sgdStep: negative length");
  QUADRA_CHECK_ARG(p.momentum == 0.0f || momentum_buf != nullptr, "sgdStep: momentumBuf is required when momentum != 0");
  QUADRA_CHECK_ARG(!p.nesterov || (p.momentum > 0.0f && p.dampening == 0.0f),
                   "sgdStep: nesterov needs momentum > 0 and dampening = 0");
  if (n == 0) return;
  HWY_DYNAMIC_DISPATCH(SgdImpl)(n, param, grad, momentum_buf, p.lr, p.momentum, p.dampening, p.weight_decay,
                                p.nesterov, p.first_step);
}

}  // namespace quadra
#endif  // HWY_ONCE
